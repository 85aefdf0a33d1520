import { mount } from 'svelte';

import App from './App.svelte';
import './app.css';
import { inTauri, installIpc, TauriIpc } from './lib/ipc';

async function start(): Promise<void> {
  if (inTauri()) {
    installIpc(new TauriIpc());
  } else if (import.meta.env.DEV) {
    // `npm run dev` in a plain browser: demo data in memory (left out of production builds).
    const { demoIpc } = await import('./lib/ipc/demo');
    installIpc(demoIpc());
  } else {
    installIpc(new TauriIpc());
  }
  const target = document.getElementById('app');
  if (!target) throw new Error('#app missing from index.html');
  mount(App, { target });
}

void start();
