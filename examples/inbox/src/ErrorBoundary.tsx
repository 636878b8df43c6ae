import { Component, type ReactNode } from 'react';

/** Shows a failed query's message in place of its part of the page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) return <p role="alert" className="error">{this.state.error.message}</p>;
    return this.props.children;
  }
}
