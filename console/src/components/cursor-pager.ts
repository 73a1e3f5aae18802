import { useState } from 'preact/hooks';

/**
 * The API's cursors as Previous / Next: the cursors of the pages seen are
 * kept, so Previous re-reads the page before (the API pages forward only).
 */
export function useCursorPager(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({ key: resetKey, stack: [undefined] });
  const stack = state.key === resetKey ? state.stack : [undefined];
  if (state.key !== resetKey) setState({ key: resetKey, stack });
  return {
    cursor: stack[stack.length - 1],
    pageNumber: stack.length,
    hasPrevious: stack.length > 1,
    next: (cursor: string) => setState({ key: resetKey, stack: [...stack, cursor] }),
    previous: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
  };
}
