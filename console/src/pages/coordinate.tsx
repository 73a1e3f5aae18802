import { PageHeading } from '../components/page-heading';
import { useEffect, useState } from 'preact/hooks';
import { call, type Schemas } from '../api';
import { Badge } from '../components/badges';
import { ConflictsTable } from '../components/conflicts-table';
import { ErrorAlert } from '../components/error-alert';
import { availableVideoIds } from '../components/fill-ids';
import { initialPlanFields, PlanFieldInputs, planBody, planFieldErrors, type PlanFields } from '../components/plan-fields';
import { TableWrap } from '../components/table-wrap';
import { usePreviewBook } from '../components/use-preview-book';
import { formatDateTime } from '../format';
import { hashWith } from '../router';
import { api } from '../session';

type Result = Schemas['CoordinationResult'];
type Accepted = Schemas['CoordinationAccepted'];

function body(videoId: string, fields: PlanFields) {
  return { video_id: videoId.trim(), ...planBody(fields) };
}

function PlanTable({ result }: { result: Result }) {
  if (result.publications.length === 0) return <p>The plan books nothing.</p>;
  return (
    <TableWrap label="Planned publications">
      <table>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Scheduled at</th>
            <th scope="col">Status</th>
            <th scope="col">Shifted from</th>
            <th scope="col">Publication ID</th>
          </tr>
        </thead>
        <tbody>
          {result.publications.map((p) => (
            <tr key={`${p.channel_id}-${p.scheduled_at}`}>
              <td>{p.channel_id}</td>
              <td>{formatDateTime(p.scheduled_at)}</td>
              <td>
                <Badge value={p.status} />
              </td>
              <td>{p.shifted_from ? formatDateTime(p.shifted_from) : '—'}</td>
              <td>
                <code>{p.publication_id ?? '—'}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Coordinate one video across channels: preview (dry run) first, then book exactly what was previewed. */
export function CoordinatePage() {
  const [videoId, setVideoId] = useState('');
  const [fields, setFields] = useState<PlanFields>(initialPlanFields);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  // Suggestions only: a failure to read them leaves a plain text field.
  useEffect(() => {
    availableVideoIds(100).then(setSuggestions, () => undefined);
  }, []);
  const current = body(videoId, fields);
  const { plan, stale, booked, error, busy, preview, book } = usePreviewBook<typeof current, Result, Result | Accepted>({
    body: current,
    kind: 'coordinate',
    send: (request, key) =>
      call(api().POST('/api/orchestration/coordinate-publication', { body: request, ...(key ? { params: { header: { 'Idempotency-Key': key } } } : {}) })),
    planOf: (answer) => answer as Result,
  });
  const errors = planFieldErrors(error?.fields ?? []);

  return (
    <>
      <PageHeading>Coordinate a video</PageHeading>
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        <div class="field">
          <label for="coord-video">Video ID</label>
          <input
            id="coord-video"
            list="coord-video-suggestions"
            autoComplete="off"
            value={videoId}
            onInput={(e) => setVideoId(e.currentTarget.value)}
            aria-invalid={errors.video_id ? 'true' : undefined}
            aria-describedby={errors.video_id ? 'coord-video-error' : undefined}
          />
          <datalist id="coord-video-suggestions">
            {suggestions.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
          {errors.video_id && (
            <span class="error" id="coord-video-error">
              {errors.video_id}
            </span>
          )}
        </div>
        <PlanFieldInputs value={fields} onChange={setFields} errors={errors} prefix="coord" />
        <div class="actions">
          <button type="submit" disabled={busy !== undefined}>
            Preview
          </button>
          <button type="button" class="primary" disabled={!plan || stale || busy !== undefined} onClick={() => void book()}>
            Book
          </button>
          {busy && <span aria-live="polite">{busy === 'preview' ? 'Planning…' : 'Booking…'}</span>}
        </div>
        {stale && <p class="muted">The inputs changed since the preview: preview again before booking.</p>}
      </form>
      <ErrorAlert error={error} />
      {plan && (
        <section aria-labelledby="plan-heading">
          <h2 id="plan-heading">Plan (dry run, nothing booked)</h2>
          <PlanTable result={plan} />
          <h3>Conflicts</h3>
          <ConflictsTable conflicts={plan.conflicts} />
          {plan.preempted.length > 0 && <p>{plan.preempted.length} lower-priority publication(s) would be moved.</p>}
        </section>
      )}
      {booked && (
        <section aria-labelledby="booked-heading" class="notice" role="status">
          <h2 id="booked-heading">Booked</h2>
          {'publications' in booked ? (
            <>
              <p>
                Coordination <code>{booked.coordination_id}</code>: {booked.publications.length} publication(s), {booked.schedules_created} schedule(s).
              </p>
              <ul>
                {booked.publications.map((p) => (
                  <li key={p.publication_id ?? p.channel_id}>
                    <code>{p.publication_id}</code> on {p.channel_id} at {formatDateTime(p.scheduled_at)}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>
              Coordination <code>{booked.coordination_id}</code> is {booked.status}: {booked.message}
            </p>
          )}
          <p>
            <a href="#/timeline">See it on the timeline</a> ·{' '}
            <a href={hashWith('#/publications', booked.coordination_id ? { group_id: booked.coordination_id } : {})}>Its publications</a>
          </p>
        </section>
      )}
    </>
  );
}
