// The warn-mode run of e2e/chromium-sites.test.js over the saved real pages of X and TikTok
// (NETRAL_REAL_FIXTURES), with the expectations of tests/fixtures/real/. An extra check beside
// the project's own pages, run by CTest only where those pages exist.
import { fileDeadline } from '../e2e/lib/lifetime.js';
import { chromiumSitesSuite } from '../e2e/lib/sites-suite.js';
import { specNames } from '../lib/fixtures.js';

fileDeadline(450, 'real-pages/chromium.test.js');

chromiumSitesSuite('Chromium, the saved real pages, warn mode, real host', specNames({ real: true }));
