// Every site in headless Chromium with the real extension and the real host, over the
// project's fixture pages (tests/fixtures/sites/): see lib/sites-suite.js. A screenshot of
// the warning per page is kept in build/e2e-artifacts/. The saved real pages get the same run
// in tests/real-pages/chromium.test.js.
import { fileDeadline } from './lib/lifetime.js';
import { chromiumSitesSuite } from './lib/sites-suite.js';
import { specNames } from '../lib/fixtures.js';

fileDeadline(600, 'e2e/chromium-sites.test.js');

const PAGES = process.env.NETRAL_E2E_PAGES ? process.env.NETRAL_E2E_PAGES.split(',') : specNames();

chromiumSitesSuite('Chromium, every site, warn mode, real host', PAGES);
