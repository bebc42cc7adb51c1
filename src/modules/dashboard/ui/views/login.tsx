/** Asks for the API key once; it is checked against the service and kept for this browser session. */
import { useState } from 'preact/hooks';
import { Api } from '../api';
import { ErrorLine } from '../shared';

export function Login({ onKey }: { onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await new Api(key.trim()).request('GET', '/api/server/version');
      if (a.ok) onKey(key.trim());
      else setError(a.status === 401 ? 'The service refused this key.' : `The service answered ${a.status}.`);
    } catch {
      setError('The service could not be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>wabun</h1>
      <form onSubmit={submit} class="card">
        {/* Password managers and Chromium expect a user name beside a password field. */}
        <input type="text" name="username" autocomplete="username" value="wabun" hidden readOnly />
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="current-password"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <p class="hint">The key of this service (WAHA_API_KEY). It is kept in this browser tab's session only.</p>
        <ErrorLine error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
