/**
 * Paces GitHub dispatches below the configured rates, for every dispatcher
 * at once (one shared bucket a credential, kept in the table).
 */
export interface DispatchPacer {
  /**
   * Takes one dispatch from `credential`'s allowance. @returns 0 when taken,
   * or the milliseconds to wait before one is free (nothing taken).
   */
  take(credential: string, nowMs: number): Promise<number>;
}
