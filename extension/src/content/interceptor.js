// The one interceptor every site shares. Capture-phase listeners on the window, added at
// document_start before any page script, see each trusted click, double-click, key press and
// form submission first. An action on a clear account goes on untouched; on a listed one
// it is stopped and the warning shown; when the verdict is not known yet it is held
// (bounded) and replayed if the account turns out clear.
//
// Our own replays pass by an explicit token: `replaying` is set only while this script
// dispatches the copy, synchronously, in the content script's isolated world where page
// scripts cannot touch it.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  const HOLD_MS = 1500;              // longest wait for a verdict before failMode applies
  const CONTEXT_FOR_MS = 2 * 60 * 1000;
  const EFFECT_WITHIN_MS = 1500;     // a replay that changes nothing by then was ignored
  const PASS_NEXT_FOR_MS = 60 * 1000;

  const SENDS_TEXT = ['reply', 'comment', 'quote'];
  const PLATFORM_NAMES = Object.fromEntries(netral.platforms.map((platform) => [platform.name, platform.display]));

  /**
   * 'allow' | 'audit' | 'warn' | 'acknowledge' | 'block' | 'unchecked' for a reply about ACTION
   * on PLATFORM under a policy (common/policy.js modeFor). Audit holds nothing: a listed account
   * is only counted, and one that cannot be checked goes on whatever failMode says.
   */
  function decide(reply, policy, platform, action) {
    const mode = netral.policy.modeFor(policy, platform, action);
    if (mode === 'off') return 'allow';
    if (reply.verdict === 'listed') return mode;
    if (reply.verdict === 'clear' || mode === 'audit') return 'allow';
    return policy.failMode === 'closed' ? 'unchecked' : 'allow';
  }

  function reportError(error) {
    console.error('Netral:', error);
  }

  // Of the replies for one target in its several forms: a listed one wins, then one that
  // could not be checked, then clear.
  function strongest(replies) {
    return replies.find((reply) => reply.verdict === 'listed')
      || replies.find((reply) => reply.verdict !== 'clear')
      || replies[0];
  }

  function sameTarget(a, b) {
    return Boolean(a && b) && a.platform === b.platform && a.account === b.account;
  }

  // Items of a menu or composer that an opener opened (their account may come from it).
  function actsInContext(rule) {
    return Boolean(rule.account) && rule.account.some((source) => source.scope === 'context');
  }

  function elementOf(node) {
    return node && node.nodeType === 1 ? node : (node && node.parentElement) || null;
  }

  function copyEvent(window, event) {
    const common = {
      // The original's view: in Firefox the content script's own window is not accepted here.
      bubbles: true, cancelable: true, composed: true, view: event.view,
      ctrlKey: event.ctrlKey, shiftKey: event.shiftKey, altKey: event.altKey, metaKey: event.metaKey,
    };
    if (event.type === 'keydown') {
      return new window.KeyboardEvent('keydown', {
        ...common, key: event.key, code: event.code, location: event.location, repeat: event.repeat,
        keyCode: event.keyCode, which: event.which,
      });
    }
    return new window.MouseEvent(event.type, {
      ...common, detail: event.detail, screenX: event.screenX, screenY: event.screenY,
      clientX: event.clientX, clientY: event.clientY, button: event.button, buttons: event.buttons,
    });
  }

  /**
   * @param window    the page's window
   * @param adapter   the site's adapter (sites/registry.js)
   * @param verdicts  from verdicts.createVerdicts
   * @param warnings  from warning.createWarnings
   * @param settings  () → {policy, language}: read at each event, so policy changes apply at once
   * @param isUserEvent which events a person made; tests stand in for the browser's isTrusted
   * @param effectWithinMs how long a replay has to show an effect before it counts as ignored
   * @param report    (kind) → void: the rules may not match the site ('unrecognised', a click on
   *                  a control labelled like an action that no rule knew; 'noAccount'; 'ruleError')
   * @param audit     (platform, action) → void: in audit mode, an action that would have been
   *                  warned about (counted by the worker: background/audit.js)
   */
  function createInterceptor({
    window, adapter, verdicts, warnings, settings, isUserEvent = (event) => event.isTrusted,
    effectWithinMs = EFFECT_WITHIN_MS, report = () => {}, audit = () => {},
  }) {
    const doc = window.document;
    const { classify, classifyEvent, postOf } = netral.resolve;
    const { isOwn } = warnings;
    let replaying = 0;
    let context = null;     // {target, approved, mode, at}: the menu or composer opened last
    let passNext = null;    // {element, until}: a replay the site ignored; the next click goes
    let warned = null;      // the held action the open warning is about
    const holding = new Set();   // controls whose held event waits for its verdict

    function enabled() {
      return netral.policy.watches(settings().policy, adapter.platform);
    }

    const platformOf = (hit) => (hit && hit.target && hit.target.platform) || adapter.platform;
    const modeOf = (hit) => netral.policy.modeFor(settings().policy, platformOf(hit), hit.action);
    const rank = (mode) => netral.policy.MODES.indexOf(mode);
    const decideFor = (reply, hit) => decide(reply, settings().policy, platformOf(hit), hit ? hit.action : null);

    // Audit mode: the event goes on untouched; once the verdict is known, a listed account is
    // counted (the action and the platform only).
    function auditOnly(hit, targets) {
      const count = (reply) => { if (reply && reply.verdict === 'listed') audit(platformOf(hit), hit.action); };
      const known = targets.map((target) => verdicts.peek(target));
      if (known.every(Boolean)) { count(strongest(known)); return; }
      Promise.all(targets.map((target) => verdicts.check(target, hit.action, HOLD_MS)))
        .then((replies) => count(strongest(replies)), reportError);
    }

    function liveContext() {
      if (context && Date.now() - context.at > CONTEXT_FOR_MS) context = null;
      return context;
    }

    // APPROVED: the user went on (or audit let it go) at the opener, under the opener's mode.
    function openContext(hit, approved) {
      if (hit.rule.opensContext && hit.target) context = { target: hit.target, approved, mode: approved ? modeOf(hit) : null, at: Date.now() };
    }

    // An item of the menu or composer the user already went on at passes, unless its own mode
    // is stronger than the opener's (repost warns, but quote from its menu is blocked).
    function approvedInContext(current, hit) {
      return Boolean(current && current.approved) && actsInContext(hit.rule) && sameTarget(current.target, hit.target)
        && rank(modeOf(hit)) <= rank(current.mode);
    }

    function onEvent(event) {
      if (replaying > 0 || !isUserEvent(event) || !enabled()) return;
      const path = event.composedPath();
      if (path.some(isOwn)) return;
      const origin = elementOf(path[0]);
      if (!origin) return;
      const current = liveContext();
      let hit;
      try {
        hit = classifyEvent(adapter, {
          type: event.type, target: event.type === 'submit' ? event.target : origin, key: event.key,
          shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey,
          isComposing: event.isComposing,
        }, current && current.target);
      } catch (error) {
        // Not known whether this is an action, nor on whom: failMode decides, as when the
        // host cannot answer.
        reportError(error);
        report('ruleError');
        unjudgeable(event, { origin, submitter: event.submitter || null });
        return;
      }
      if (!hit) {
        if ((event.type === 'click' || event.type === 'dblclick') && netral.recognition.looksLikeAction(origin)) report('unrecognised');
        return;
      }
      if (hit.error) report('ruleError');
      else if (hit.action && !hit.target) report('noAccount');
      // While a warning is open the page is inert; an action that reaches it anyway waits
      // for no one: it is dropped, never let through unjudged.
      if (warned) {
        if (hit.action) stop(event);
        return;
      }
      // The adapter could not read the account (a selector of its own failed): failMode.
      if (hit.action && !hit.target && hit.error) {
        unjudgeable(event, { origin, hit, submitter: event.submitter || null });
        return;
      }
      // A text sent without a known target (a new post from the page's own box) is judged by
      // the accounts it mentions, if any.
      const mentions = hit.action ? mentionedIn(hit) : [];
      if (!hit.action || (!hit.target && !mentions.length)) { openContext(hit, false); return; }

      if (passNext && passNext.element === hit.element && Date.now() < passNext.until) {
        passNext = null;
        openContext(hit, true);
        return;
      }
      // The user already chose to go on at the opener of this menu or composer.
      if (approvedInContext(current, hit)) return;

      const held = { event, origin, hit, submitter: event.submitter || null };
      const targets = [...(hit.target ? [hit.target, ...(hit.aliases || [])] : []), ...mentions];
      const mode = modeOf(hit);
      if (mode === 'off') { openContext(hit, false); return; }
      if (mode === 'audit') { openContext(hit, true); auditOnly(hit, targets); return; }
      const known = targets.map((target) => verdicts.peek(target));
      if (known.every(Boolean)) {
        const reply = strongest(known);
        if (decideFor(reply, hit) === 'allow') { openContext(hit, false); return; }
        stop(event);
        warn(held, reply);
        return;
      }
      stop(event);
      // A second press while the first waits would act twice once both are replayed.
      if (holding.has(hit.element)) return;
      holding.add(hit.element);
      Promise.all(targets.map((target) => verdicts.check(target, hit.action, HOLD_MS))).catch((error) => {
        reportError(error);
        return [{ verdict: 'unavailable', reason: 'error' }];
      }).then((replies) => {
        holding.delete(hit.element);
        const reply = strongest(replies);
        if (decideFor(reply, hit) === 'allow') {
          openContext(hit, false);
          replay(held);
        } else {
          warn(held, reply);
        }
      }).catch(reportError);
    }

    // A reply, comment or quote being sent: the accounts its text mentions with @ are checked
    // too (posting for a campaign is a breach as much as liking it). Its opener, which sends no
    // text yet, finds no text box and adds none.
    function mentionedIn(hit) {
      if (!SENDS_TEXT.includes(hit.action)) return [];
      const { composerText, mentionsIn } = netral.resolve;
      const already = (hit.target ? [hit.target, ...(hit.aliases || [])] : []).map((t) => t.account);
      return mentionsIn(adapter, composerText(adapter, hit.element)).filter((t) => !already.includes(t.account));
    }

    function stop(event) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }

    // An event whose action or account could not be made out: with failMode open it goes
    // on; closed, it is held with "could not be checked" and no way through.
    function unjudgeable(event, held) {
      const reply = { verdict: 'unavailable', reason: 'adapter error' };
      if (decideFor(reply, held.hit || null) === 'allow') return;
      stop(event);
      warn({ event, ...held, hit: held.hit || null }, reply);
    }

    function accountLabel(reply, hit) {
      const target = hit && hit.target;
      const platform = (target && target.platform) || adapter.platform;
      const account = reply.account || (target && target.account) || '—';
      return `${account} (${PLATFORM_NAMES[platform]})`;
    }

    // What the warning about HIT says (warning/frame.js renders it).
    function viewFor(hit, reply) {
      const { policy, language } = settings();
      const decision = decideFor(reply, hit);
      const other = language === 'en' ? 'id' : 'en';
      return {
        kind: decision === 'unchecked' ? 'unchecked' : 'listed',
        allowProceed: decision === 'warn' || decision === 'acknowledge',
        // How the employee confirms in acknowledge mode: a tick, or a reason typed (never kept).
        acknowledge: decision === 'acknowledge' ? policy.acknowledgeWith : null,
        action: hit ? (hit.target ? hit.action : 'post') : null,
        // The account is one the text mentions, not the one replied to.
        mention: Boolean(hit && reply.account && (!hit.target || (reply.account !== hit.target.account
          && !(hit.aliases || []).some((alias) => alias.account === reply.account)))),
        accountLabel: accountLabel(reply, hit),
        entity: reply.entity || null,
        list: reply.list || null,
        contact: { text: policy.contactText, url: policy.contactUrl },
        // The agency's own guidance, in the warning's language, else in the other one.
        guidance: { text: policy.guidanceText[language] || policy.guidanceText[other] || '', url: policy.guidanceUrl },
        language,
      };
    }

    function warn(held, reply) {
      const { hit } = held;
      if (warned) return;   // one warning at a time: an action held meanwhile is dropped
      warned = held;
      let shown;
      try {
        shown = warnings.show(viewFor(hit, reply));
      } catch (error) {
        shown = Promise.reject(error);
      }
      // A warning that fails or is taken away counts as Batalkan; then the tab is judged again.
      shown.catch((error) => { reportError(error); return 'cancel'; }).then((choice) => {
        warned = null;
        if (choice !== 'proceed' || !hit) {
          const element = hit ? hit.element : held.origin;
          if (element && element.isConnected && typeof element.focus === 'function') element.focus();
          return;
        }
        openContext(hit, true);
        confirmEffect(held).then((changed) => {
          if (changed) {
            warnings.notice('replayDone');
          } else {
            passNext = { element: hit.element, until: Date.now() + PASS_NEXT_FOR_MS };
            warnings.notice('replayIgnored', 10000);
          }
        }).catch(reportError);
        replay(held);
      }).catch(reportError);
    }

    // Dispatches one copy of the held event where the original went.
    function replay({ event, origin, submitter }) {
      replaying += 1;
      try {
        if (event.type === 'submit') {
          const form = event.target;
          if (form.isConnected && typeof form.requestSubmit === 'function') form.requestSubmit(submitter || undefined);
        } else if (origin.isConnected) {
          origin.dispatchEvent(copyEvent(window, event));
        }
      } finally {
        replaying -= 1;
      }
    }

    // Resolves true when the page reacts to the replay: the post or the button changes, or
    // (for menus and composers) something is added to the page.
    function confirmEffect({ hit }) {
      return new Promise((resolve) => {
        const scope = postOf(adapter, hit.element)
          || (hit.element.parentElement && hit.element.parentElement.parentElement)
          || hit.element;
        let timer = null;
        const observer = new window.MutationObserver(() => done(true));
        function done(changed) {
          observer.disconnect();
          clearTimeout(timer);
          resolve(changed);
        }
        observer.observe(scope, { subtree: true, attributes: true, childList: true, characterData: true });
        if (hit.rule.opensContext || hit.rule.event === 'enter' || hit.rule.event === 'submit') {
          observer.observe(doc.documentElement, { subtree: true, childList: true });
        }
        timer = setTimeout(() => done(false), effectWithinMs);
      });
    }

    // Some layers open on hover (Facebook's reaction picker): the hovered control sets the
    // context its items act in.
    function onHover(event) {
      if (!enabled() || warned) return;
      const element = elementOf(event.target);
      let hit = null;
      try {
        hit = element && classify(adapter, element, 'click');
      } catch (error) {
        reportError(error);
      }
      if (hit && hit.rule.opensContext === 'hover' && hit.target
        && !(context && context.approved && sameTarget(context.target, hit.target))) {
        context = { target: hit.target, approved: false, at: Date.now() };
      }
    }

    function install() {
      for (const type of ['click', 'dblclick', 'keydown', 'submit']) {
        window.addEventListener(type, onEvent, { capture: true });
      }
      window.addEventListener('mouseover', onHover, { capture: true, passive: true });
    }

    return { install };
  }

  netral.interceptor = { createInterceptor, decide, HOLD_MS };
})(globalThis);
