/** Makes time-sortable identifiers (ULIDs) at the clock's current time. */
export interface IdGenerator {
  /** A new identifier that sorts after every one made before it by this generator. */
  next(): string;
}
