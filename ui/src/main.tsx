import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, makeQueryClient } from './App';
import { ApiClient, HttpTransport } from './api/client';
import { applyTheme, readTheme } from './lib/theme';
import './index.css';

applyTheme(readTheme());

const client = new ApiClient(new HttpTransport());
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App client={client} queryClient={makeQueryClient()} />
    </StrictMode>,
  );
}
