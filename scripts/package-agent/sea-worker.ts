import './tfjs-bundled';
import '../../agent/src/work/kernel-worker';

/*
 * The kernel worker thread of the packaged agent: the bundled TensorFlow.js packages registered
 * first, then the worker itself (agent/src/work/kernel-worker.ts).
 */
