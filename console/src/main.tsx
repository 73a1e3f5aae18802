import { render } from 'preact';
import { createApiClient } from './api';
import { createAuth } from './auth/index';
import { parseConsoleConfig } from './config';
import { App } from './app';
import { setSession } from './session';
import { startRouter } from './router';
import './styles.css';

function showFatal(root: HTMLElement, message: string): void {
  root.innerHTML = '';
  const main = document.createElement('main');
  const h1 = document.createElement('h1');
  h1.textContent = 'The console could not start';
  const alert = document.createElement('div');
  alert.setAttribute('role', 'alert');
  alert.className = 'alert';
  alert.textContent = message;
  main.append(h1, alert);
  root.append(main);
}

/** Reads /config.json, sets up auth and the API client, then renders the app. */
async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  try {
    const answer = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
    if (!answer.ok) throw new Error(`config.json: the server answered ${answer.status}`);
    const config = parseConsoleConfig(await answer.json());
    const auth = await createAuth(config.auth);
    setSession({ auth, api: createApiClient(config.apiBase, auth) });
    startRouter();
    root.innerHTML = '';
    render(<App auth={auth} />, root);
  } catch (error) {
    showFatal(root, `console_error: ${(error as Error).message}`);
  }
}

void start();
