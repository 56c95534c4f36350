import { render } from 'preact';
import { useState } from 'preact/hooks';
import { token } from './api.js';
import { useApi } from './hooks.js';
import { Alerts } from './pages/alerts.js';
import { Compliance } from './pages/compliance.js';
import { Finding } from './pages/finding.js';
import { Findings } from './pages/findings.js';
import { Gateway } from './pages/gateway.js';
import { Inventory } from './pages/inventory.js';
import { Overview } from './pages/overview.js';
import { href, useRoute } from './router.js';
import './style.css';

const PAGES = [
  { page: 'overview', title: 'Posture' },
  { page: 'compliance', title: 'Compliance' },
  { page: 'inventory', title: 'AI inventory' },
  { page: 'findings', title: 'Findings' },
  { page: 'alerts', title: 'Alerts' },
  { page: 'gateway', title: 'LLM gateway' },
];

function TokenForm({ onSaved }: { onSaved(): void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="panel token"
      id="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        token.set(value);
        onSaved();
      }}
    >
      <h2>API token</h2>
      <p class="muted">
        This server needs a token. Create one with <code>sanctum token create NAME --scope read</code> and paste it here (it stays in this
        browser).
      </p>
      <input
        name="token"
        type="password"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Use token</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  const [needToken, setNeedToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  const session = useApi<{ authRequired: boolean; authenticated: boolean }>('session', { generation }, () => setNeedToken(true));
  if (session.loading && !session.data) return <p class="muted">Loading…</p>;
  const askToken = needToken || (session.data !== undefined && !session.data.authenticated);
  const target = route.params.get('target') ? Number(route.params.get('target')) : undefined;
  const props = { target, params: route.params, onUnauthorized: () => setNeedToken(true) };
  const page = route.page === 'findings' && route.id ? 'finding' : route.page;
  return (
    <div class="app" key={generation}>
      <header>
        <a class="brand" href="#/">
          Sanctum
        </a>
        <nav>
          {PAGES.map((p) => (
            <a class={route.page === p.page ? 'active' : ''} href={href(p.page, { target })}>
              {p.title}
            </a>
          ))}
        </nav>
        {token.get() && (
          <button
            class="link"
            onClick={() => {
              token.clear();
              setGeneration((g) => g + 1);
            }}
          >
            forget token
          </button>
        )}
      </header>
      <main>
        {askToken ? (
          <TokenForm
            onSaved={() => {
              setNeedToken(false);
              setGeneration((g) => g + 1);
            }}
          />
        ) : page === 'compliance' ? (
          <Compliance {...props} />
        ) : page === 'inventory' ? (
          <Inventory {...props} />
        ) : page === 'alerts' ? (
          <Alerts {...props} />
        ) : page === 'gateway' ? (
          <Gateway {...props} />
        ) : page === 'findings' ? (
          <Findings {...props} />
        ) : page === 'finding' ? (
          <Finding {...props} id={route.id!} />
        ) : (
          <Overview {...props} />
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
