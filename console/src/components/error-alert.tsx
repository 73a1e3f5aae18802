import type { ApiError } from '../api';

/** An API error as `code: message`, with the fields the API named at fault. */
export function ErrorAlert({ error }: { error: ApiError | undefined | null }) {
  if (!error) return null;
  return (
    <div role="alert" class="alert">
      <p>
        <strong>{error.code}</strong>: {error.message}
      </p>
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((f) => (
            <li key={`${f.in ?? ''}.${f.field}`}>
              {f.field}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
