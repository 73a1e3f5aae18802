/** Previous / Next buttons over the API's cursor pages; nothing when there is a single page. */
export function Pager(props: { label: string; pageNumber: number; hasPrevious: boolean; nextCursor: string | null | undefined; onPrevious: () => void; onNext: (cursor: string) => void }) {
  const next = props.nextCursor;
  // One page only: nothing to move between.
  if (!props.hasPrevious && !next) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        Previous page
      </button>
      <span>Page {props.pageNumber}</span>
      <button type="button" disabled={!next} onClick={() => next && props.onNext(next)}>
        Next page
      </button>
    </nav>
  );
}
