import { mount } from 'svelte';
import App from './App.svelte';
import { connect } from './bridge.js';
import './theme.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');
mount(App, { target, props: { bridge: connect() } });
