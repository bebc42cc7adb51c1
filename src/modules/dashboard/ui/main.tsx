/** The dashboard page's entry: bundled by src/modules/dashboard/bundle.ts into one script and one stylesheet. */
import './app.css';
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app')!);
