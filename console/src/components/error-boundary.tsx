import { Component, type ComponentChildren } from 'preact';

/** A render that throws shows the error here instead of leaving a blank or loading page. */
export class ErrorBoundary extends Component<{ children: ComponentChildren; resetKey?: string }, { error: Error | undefined; key: string | undefined }> {
  override state = { error: undefined as Error | undefined, key: this.props.resetKey };

  static override getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidUpdate() {
    // Moving to another page gives it a fresh start.
    if (this.state.error && this.props.resetKey !== this.state.key) this.setState({ error: undefined, key: this.props.resetKey });
    else if (this.props.resetKey !== this.state.key) this.setState({ key: this.props.resetKey });
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
