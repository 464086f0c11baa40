// Every site in headless Chromium with the real extension and the real host, over the
// fixture pages: for each control that acts on an account, a listed account is warned about
// before the page's own handler runs (Batalkan drops the action, Tetap lanjutkan lets it
// happen exactly once) and any other account goes through untouched. A screenshot of the
// warning per page is kept in build/e2e-artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostBuilt } from './lib/host.js';
import {
  actionsOf, artifact, describeItem, pointerCanReach, exerciseClear, exerciseLayerItem, exerciseListed, inTab, isListed,
  layerActionsOf, loadSpec, openChromium, prepare,
} from './lib/scenario.js';

const PAGES = process.env.NETRAL_E2E_PAGES ? process.env.NETRAL_E2E_PAGES.split(',') : [
  'x-repost-menu', 'x-profile', 'x-post', 'tiktok-feed', 'tiktok-profile', 'instagram-en', 'instagram-id',
  'facebook-en', 'facebook-id', 'youtube-en', 'youtube-id', 'youtube-shorts-en', 'youtube-shorts-id', 'threads-en', 'threads-id',
];
const skip = hostBuilt() ? false : 'netral-host is not built (cmake --build build)';

describe('Chromium, every site, warn mode, real host', { skip }, () => {
  let env;
  let chromium;
  before(async () => {
    env = await prepare({ pages: PAGES });
    chromium = await openChromium(env);
  });
  after(async () => {
    await chromium?.close();
    await env?.cleanup();
  });

  for (const name of PAGES) {
    const spec = loadSpec(name);
    for (const item of actionsOf(spec)) {
      const listed = isListed(item.expect, item.aliases);
      test(`${describeItem(name, item)}: ${listed ? 'listed → warned; cancel drops it; go on runs it once' : 'not listed → runs, no warning'}`, async (t) => {
        await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
          if (item.selector && !(await pointerCanReach(page, item.selector))) {
            t.skip('in the saved page no pointer can reach this control (covered by the adapter unit test)');
            return;
          }
          if (listed) {
            const facts = await exerciseListed(page, probe, item, { screenshot: artifact(`chromium-${name}-warning.png`) });
            assert.equal(facts.closedRoot, true, 'the warning is in a closed shadow root');
            assert.equal(facts.ranWhileWarning, 0, 'the page did not see the action while warned');
            assert.equal(facts.ranAfterCancel, 0, 'cancel dropped the action');
            assert.equal(facts.ranAfterProceed, 1, 'go on let it happen exactly once');
            assert.ok(facts.said.includes(item.expect.account), `the warning names ${item.expect.account}`);
            assert.match(facts.said, /SKB No\. 2\/2022/);
          } else {
            const facts = await exerciseClear(page, probe, item);
            assert.equal(facts.warning, false, 'no warning');
            assert.equal(facts.ran, 2, 'both gestures reached the page');
            assert.equal(facts.lastTrusted, true, 'once known, the user\'s own event passes untouched');
            assert.ok(facts.slowestDelay < 100, `no delay a user could notice (${facts.slowestDelay.toFixed(1)} ms from press to the page's handler)`);
            t.diagnostic(`press → page handler: ${facts.slowestDelay.toFixed(1)} ms at most`);
          }
        }, name);
      });
    }
    for (const item of layerActionsOf(spec)) {
      const listed = isListed(item.expect, item.aliases);
      test(`${describeItem(name, item)} in a layer opened by ${item.opened_by.event}: ${listed ? 'warned once' : 'runs'}`, async () => {
        await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
          const facts = await exerciseLayerItem(page, probe, item, listed);
          assert.equal(facts.ranItem, 1, 'the item acted exactly once');
          if (!listed) {
            assert.equal(facts.warnedAtOpener || facts.warnedAtItem, false);
          } else if (item.opened_by.event === 'mouseover') {
            assert.equal(facts.warnedAtItem, true, 'warned at the item of a hover layer');
            assert.equal(facts.ranWhileWarning, 0);
          } else {
            assert.equal(facts.warnedAtOpener, true, 'warned at the opener');
          }
        }, name);
      });
    }
  }
});
