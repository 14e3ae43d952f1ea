export { cpu } from './cpu-backend.js';
