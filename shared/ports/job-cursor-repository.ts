/** Where a periodic job's walk stopped, so that its next run resumes there (a job bounded per run still reaches the end). */
export interface JobCursorRepository {
  get(job: string): Promise<string | undefined>;
  /** null: the walk reached the end; the next run starts over. */
  put(job: string, cursor: string | null, at: string): Promise<void>;
}
