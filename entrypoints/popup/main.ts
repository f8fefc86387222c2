// Popup bootstrap: the page's language and title from the catalogue the browser chose (locales/<lang>.yml), then the
// Svelte app mounted into the popup page, with the popup's plain stylesheet.
import '@/lib/zod-jitless'; // first: before any schema is built
import { i18n } from '#i18n';
import { mount } from 'svelte';
import App from './App.svelte';
import './style.css';

document.documentElement.lang = i18n.t('lang');
document.title = i18n.t('extName');
const target = document.getElementById('app');
if (!target) throw new Error('popup: #app is missing from index.html');
mount(App, { target });
