// The warn-mode run over a set of fixture pages in Chromium with the real extension and the
// real host: for each control that acts on an account, a listed account is warned about
// before the page's own handler runs (Batalkan drops the action, Tetap lanjutkan lets it
// happen exactly once) and any other account goes through untouched. Used for the project's
// own pages (chromium-sites.test.js) and the saved real pages (tests/real-pages/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionsOf, artifact, assertPointerCanReach, describeItem, exerciseClear, exerciseLayerItem, exerciseListed, inTab, isListed,
  layerActionsOf, listedAccount, loadSpec, openChromium, openerActs, prepare,
} from './scenario.js';
import { slug } from '../../lib/fixtures.js';

export function chromiumSitesSuite(title, pages) {
  describe(title, () => {
    let env;
    let chromium;
    before(async () => {
      env = await prepare({ pages });
      chromium = await openChromium(env);
    });
    after(async () => {
      await chromium?.close();
      await env?.cleanup();
    });

    for (const name of pages) {
      const spec = loadSpec(name);
      for (const item of actionsOf(spec)) {
        const listed = isListed(item.expect, item.aliases);
        test(`${describeItem(name, item)}: ${listed ? 'listed → warned; cancel drops it; go on runs it once' : 'not listed → runs, no warning'}`, async (t) => {
          await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
            if (item.selector) await assertPointerCanReach(page, item.selector, `chromium-${slug(name)}-unreachable.png`);
            if (listed) {
              const facts = await exerciseListed(page, probe, item, { screenshot: artifact(`chromium-${slug(name)}-warning.png`) });
              assert.equal(facts.closedRoot, true, 'the warning is in a closed shadow root');
              assert.equal(facts.ranWhileWarning, 0, 'the page did not see the action while warned');
              assert.equal(facts.ranAfterCancel, 0, 'cancel dropped the action');
              assert.equal(facts.ranAfterProceed, 1, 'go on let it happen exactly once');
              const named = listedAccount(item.expect, item.aliases);
              assert.ok(facts.said.includes(named), `the warning names ${named}`);
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
            const acts = openerActs(spec, item);
            const facts = await exerciseLayerItem(page, probe, item, listed, acts);
            assert.equal(facts.ranItem, 1, 'the item acted exactly once');
            if (!listed) {
              assert.equal(facts.warnedAtOpener || facts.warnedAtItem, false);
            } else if (item.opened_by.event === 'mouseover' || !acts) {
              assert.equal(facts.warnedAtItem, true, 'warned at the item of a hover layer or of a menu that is no action');
              assert.equal(facts.ranWhileWarning, 0);
            } else {
              assert.equal(facts.warnedAtOpener, true, 'warned at the opener');
            }
          }, name);
        });
      }
    }
  });
}
