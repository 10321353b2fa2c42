import { render } from 'preact';
import { App } from './app.js';
import { restoreScrollOnBack } from './router.js';
import './styles.css';

restoreScrollOnBack();
render(<App />, document.getElementById('app')!);
