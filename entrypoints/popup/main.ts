// Popup bootstrap: mounts the Svelte app into the popup page, with the popup's plain stylesheet.
import '@/lib/zod-jitless'; // first: before any schema is built
import { mount } from 'svelte';
import App from './App.svelte';
import './style.css';

const target = document.getElementById('app');
if (!target) throw new Error('popup: #app is missing from index.html');
mount(App, { target });
