import { Component, type ComponentChildren } from 'preact';

/**
 * A render that throws shows the error here instead of leaving a blank or
 * loading page. Keyed by the route (app.tsx), so another page starts afresh.
 */
export class ErrorBoundary extends Component<{ children: ComponentChildren }, { error: Error | undefined }> {
  override state = { error: undefined as Error | undefined };

  static override getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error) {
      return (
        <div role="alert" class="alert">
          <p>
            <strong>console_error</strong>: this page failed to render: {this.state.error.message}
          </p>
          <button type="button" onClick={() => this.setState({ error: undefined })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
