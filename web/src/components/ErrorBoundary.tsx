import { Component, type ReactNode } from 'react';

/** Keeps a rendering bug on one page from blanking the whole app; the header stays usable. */
export class ErrorBoundary extends Component<
  { resetKey: string; fallback: (error: unknown) => ReactNode; children: ReactNode },
  { error: unknown; key: string }
> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: unknown; key: string }) {
    // Navigating elsewhere clears the error.
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render() {
    return this.state.error ? this.props.fallback(this.state.error) : this.props.children;
  }
}
