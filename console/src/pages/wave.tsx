import { PageHeading } from '../components/page-heading';
import { useState } from 'preact/hooks';
import { call, type Schemas } from '../api';
import { splitList } from '../channel-form-model';
import { ConflictsTable } from '../components/conflicts-table';
import { ErrorAlert } from '../components/error-alert';
import { availableVideoIds, FillIdsButton } from '../components/fill-ids';
import { initialPlanFields, PlanFieldInputs, planBody, planFieldErrors, type PlanFields } from '../components/plan-fields';
import { TableWrap } from '../components/table-wrap';
import { usePreviewBook } from '../components/use-preview-book';
import { formatDateTime, formatNumber } from '../format';
import { hashWith } from '../router';
import { api } from '../session';

type Result = Schemas['WaveResult'];
type Accepted = Schemas['WaveAccepted'];
type StaggerBy = NonNullable<Schemas['ScheduleWaveInput']['wave_config']['stagger_by']>;

function body(videoIds: string, staggerBy: StaggerBy, fields: PlanFields) {
  const { channel_ids, timing, scheduled_at, delay_seconds, priority, conflict_policy } = planBody(fields);
  return {
    video_ids: splitList(videoIds),
    channel_ids,
    wave_config: {
      timing,
      stagger_by: staggerBy,
      ...(scheduled_at ? { scheduled_at } : {}),
      ...(delay_seconds !== undefined ? { delay_seconds } : {}),
    },
    ...(priority !== undefined ? { priority } : {}),
    conflict_policy,
  };
}

function Summary({ result }: { result: Result }) {
  return (
    <TableWrap label="Wave plan">
      <table>
        <tbody>
          <tr>
            <th scope="row">Publications</th>
            <td class="num">{formatNumber(result.total_publications)}</td>
          </tr>
          <tr>
            <th scope="row">Slots (schedules)</th>
            <td class="num">{formatNumber(result.slots)}</td>
          </tr>
          <tr>
            <th scope="row">First</th>
            <td>{formatDateTime(result.first_at)}</td>
          </tr>
          <tr>
            <th scope="row">Last</th>
            <td>{formatDateTime(result.last_at)}</td>
          </tr>
          <tr>
            <th scope="row">Shifted</th>
            <td class="num">{formatNumber(result.shifted)}</td>
          </tr>
          <tr>
            <th scope="row">Preempted</th>
            <td class="num">{formatNumber(result.preempted)}</td>
          </tr>
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Schedule a wave: every video on every channel. Preview (dry run) shows the plan and its conflicts; Book wave books that. */
export function WavePage() {
  const [videoIds, setVideoIds] = useState('');
  const [staggerBy, setStaggerBy] = useState<StaggerBy>('video');
  const [fields, setFields] = useState<PlanFields>(initialPlanFields);
  const current = body(videoIds, staggerBy, fields);
  const { plan, stale, booked, error, busy, preview, book } = usePreviewBook<typeof current, Result, Result | Accepted>({
    body: current,
    kind: 'wave',
    send: (request, key) => call(api().POST('/api/orchestration/schedule-wave', { body: request, ...(key ? { params: { header: { 'Idempotency-Key': key } } } : {}) })),
    planOf: (answer) => {
      const result = answer as Result | Accepted;
      if (!('dry_run' in result)) throw new Error(`the dry run answered a wave being written (${result.wave_id})`);
      return result;
    },
  });
  const errors = planFieldErrors(error?.fields ?? []);

  return (
    <>
      <PageHeading>Schedule a wave</PageHeading>
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        <div class="field">
          <label for="wave-videos">Video IDs</label>
          <textarea
            id="wave-videos"
            rows={3}
            value={videoIds}
            onInput={(e) => setVideoIds(e.currentTarget.value)}
            aria-invalid={errors.video_ids ? 'true' : undefined}
            aria-describedby={`wave-videos-hint${errors.video_ids ? ' wave-videos-error' : ''}`}
          />
          <span class="hint" id="wave-videos-hint">
            Separated by commas, spaces or new lines.
          </span>
          {errors.video_ids && (
            <span class="error" id="wave-videos-error">
              {errors.video_ids}
            </span>
          )}
          <FillIdsButton label="Fill with the available videos" load={() => availableVideoIds()} onFill={setVideoIds} />
        </div>
        <PlanFieldInputs value={fields} onChange={setFields} errors={errors} prefix="wave">
          <div class="field">
            <label for="wave-stagger-by">Stagger by</label>
            <select id="wave-stagger-by" value={staggerBy} onChange={(e) => setStaggerBy(e.currentTarget.value as StaggerBy)}>
              <option value="video">video</option>
              <option value="channel">channel</option>
            </select>
          </div>
        </PlanFieldInputs>
        <div class="actions">
          <button type="submit" disabled={busy !== undefined}>
            Preview
          </button>
          <button type="button" class="primary" disabled={!plan || stale || busy !== undefined} onClick={() => void book()}>
            Book wave
          </button>
          {busy && <span aria-live="polite">{busy === 'preview' ? 'Planning…' : 'Booking…'}</span>}
        </div>
        {stale && <p class="muted">The inputs changed since the preview: preview again before booking.</p>}
      </form>
      <ErrorAlert error={error} />
      {plan && (
        <section aria-labelledby="wave-plan-heading">
          <h2 id="wave-plan-heading">Plan (dry run, nothing booked)</h2>
          <Summary result={plan} />
          <h3>Conflicts</h3>
          <ConflictsTable conflicts={plan.conflicts} />
          {plan.conflicts.length >= 100 && <p class="muted">The API lists the first 100 conflicts.</p>}
        </section>
      )}
      {booked && (
        <section aria-labelledby="wave-booked-heading" class="notice" role="status">
          <h2 id="wave-booked-heading">Booked</h2>
          {'dry_run' in booked ? (
            <p>
              Wave <code>{booked.wave_id}</code>: {formatNumber(booked.total_publications)} publication(s) in {formatNumber(booked.slots)} slot(s), {formatDateTime(booked.first_at)} to{' '}
              {formatDateTime(booked.last_at)}.
            </p>
          ) : (
            <p>
              Wave <code>{booked.wave_id}</code> is {booked.status}: {booked.message}
            </p>
          )}
          <p>
            <a href="#/timeline">See it on the timeline</a> · <a href={hashWith('#/publications', booked.wave_id ? { group_id: booked.wave_id } : {})}>Its publications</a>
          </p>
        </section>
      )}
    </>
  );
}
