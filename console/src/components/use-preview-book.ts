import { useState } from 'preact/hooks';
import { asApiError, idempotencyKey, type ApiError } from '../api';

export interface PreviewBook<Plan, Booked> {
  /** The last preview, while it still matches the form. */
  plan: Plan | undefined;
  /** The form changed since the preview: Book is refused until a new one. */
  stale: boolean;
  booked: Booked | undefined;
  error: ApiError | undefined;
  busy: 'preview' | 'book' | undefined;
  preview: () => Promise<void>;
  book: () => Promise<void>;
}

/**
 * The dry-run-then-book flow of the coordinate and wave pages. Preview sends
 * the body with `dry_run: true` and keeps the plan with the body it was made
 * for and a fresh Idempotency-Key; Book sends exactly that body with
 * `dry_run: false` and that key (a retried Book cannot book twice). A
 * failed preview clears the plan; a failed Book keeps it on screen with the
 * error, for the operator to preview again.
 */
export function usePreviewBook<Body, Plan, Booked>(options: {
  body: Body;
  /** Idempotency-Key prefix: coordinate, wave. */
  kind: string;
  send: (body: Body & { dry_run: boolean }, key?: string) => Promise<unknown>;
  /** The plan in a dry run's answer; throws when the answer is not one. */
  planOf: (answer: unknown) => Plan;
}): PreviewBook<Plan, Booked> {
  const [plan, setPlan] = useState<{ key: string; result: Plan; idempotencyKey: string } | undefined>(undefined);
  const [booked, setBooked] = useState<Booked | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState<'preview' | 'book' | undefined>(undefined);
  const key = JSON.stringify(options.body);
  const stale = plan !== undefined && plan.key !== key;

  const preview = async () => {
    setBusy('preview');
    setBooked(undefined);
    try {
      const result = options.planOf(await options.send({ ...options.body, dry_run: true }));
      setPlan({ key, result, idempotencyKey: idempotencyKey(options.kind) });
      setError(undefined);
    } catch (e) {
      setPlan(undefined);
      setError(asApiError(e));
    } finally {
      setBusy(undefined);
    }
  };

  const book = async () => {
    if (!plan || stale) return;
    setBusy('book');
    try {
      setBooked((await options.send({ ...options.body, dry_run: false }, plan.idempotencyKey)) as Booked);
      setPlan(undefined);
      setError(undefined);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(undefined);
    }
  };

  return { plan: plan?.result, stale, booked, error, busy, preview, book };
}
