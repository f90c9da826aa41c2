import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';

export interface Operator {
  id?: string;
  email?: string;
  did?: string;
}

/** Operator sign-in (email and password) into an HttpOnly session cookie. */
export function Login({ onSignedIn, notice }: { onSignedIn: (operator: Operator) => void; notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const reply = await api<{ operator: Operator }>('POST', '/v1/operator/login', { email, password });
      onSignedIn(reply.operator);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'ERROR';
      setError(code === 'LOGIN_FAILED' ? 'Wrong email or password.' : `${code}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login" onSubmit={submit} data-testid="login">
      <h1>Ampool operator</h1>
      {notice ? <p class="notice">{notice}</p> : null}
      <label>
        Email
        <input name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        Password
        <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error ? <p class="error" role="alert">{error}</p> : null}
    </form>
  );
}
