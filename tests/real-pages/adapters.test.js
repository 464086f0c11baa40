// The adapter cases over the saved real pages of X and TikTok (NETRAL_REAL_FIXTURES), with
// the expectations of tests/fixtures/real/. An extra check beside the project's own pages:
// run by CTest only where those pages exist (tests/real-pages/run.mjs says when they do not).
import { adapterCases } from '../extension/adapter-cases.js';
import { specNames } from '../lib/fixtures.js';

adapterCases(specNames({ real: true }));
