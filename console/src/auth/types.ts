/** How the console authenticates its API calls: none, a bearer token typed once, or Cognito. */
export interface ConsoleAuth {
  kind: 'none' | 'token' | 'cognito';
  /** value for the Authorization header, or undefined when none */
  authorization(): Promise<string | undefined>;
  /** true when a call can be made */
  isSignedIn(): boolean;
  /** called on a 401 */
  onUnauthorized(): void;
  signOut(): void;
}
