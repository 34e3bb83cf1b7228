// staffroom demo: what one person sees in Slack, drawn from the local stand-in's state.
// Plain JavaScript, no build step. The server long-polls: /demo/state?since=V answers
// when something changes, so the page updates as the app answers.
"use strict";

const EMOJI = {
  clipboard: "📋", hourglass_flowing_sand: "⏳", ladder: "🪜", large_green_square: "🟩",
  large_orange_square: "🟧", white_large_square: "⬜", mag: "🔍", memo: "📝", seedling: "🌱",
  sparkles: "✨", star: "⭐", star2: "🌟", straight_ruler: "📏", tada: "🎉", warning: "⚠️",
  white_check_mark: "✅", zzz: "💤", wave: "👋", clap: "👏", bar_chart: "📊", calendar: "📅",
  bell: "🔔", raised_hands: "🙌", heart: "❤️", thumbsup: "👍", arrows_counterclockwise: "🔄",
  bulb: "💡", dart: "🎯", handshake: "🤝", large_green_circle: "🟢", large_orange_circle: "🟠",
  large_yellow_circle: "🟡", page_facing_up: "📄", red_circle: "🔴", speech_balloon: "💬",
  sunflower: "🌻",
};
const $ = (id) => document.getElementById(id);
const ui = {
  people: [], commands: [], user: null, current: null, tab: "messages", data: null,
  version: -1, poll: null, seen: {}, modalKey: null, completion: [],
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "html") node.innerHTML = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function emoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] || all);
}
function nameOf(id) { return (ui.data && ui.data.names[id]) || id; }

// Slack mrkdwn to HTML: links and mentions, *bold*, _italic_, ~strike~, `code`, lines.
function mrkdwn(text) {
  // Links and mentions become placeholders first, so *bold* may span a mention.
  const links = [];
  const held = text.replace(/<([^<>|]+)(?:\|([^<>]*))?>/g, (all, target, label) => {
    let html;
    if (target.startsWith("@")) html = `<span class="mention">@${escapeHtml(label || nameOf(target.slice(1)))}</span>`;
    else if (target.startsWith("#")) html = `<span class="mention">#${escapeHtml((label || nameOf(target.slice(1))).replace(/^#/, ""))}</span>`;
    else if (target.startsWith("!")) html = `<span class="mention">@${escapeHtml(label || target.slice(1))}</span>`;
    else html = `<a href="${escapeHtml(target)}" target="_blank" rel="noopener">${escapeHtml(label || target)}</a>`;
    links.push(html);
    return `\u0000${links.length - 1}\u0000`;
  });
  return inline(held).replace(/\u0000(\d+)\u0000/g, (all, n) => links[Number(n)]).replace(/\n/g, "<br>");
}
function inline(text) {
  // Slack text arrives with & < > already escaped, so entities pass through.
  let html = text.replace(/<|>/g, (c) => (c === "<" ? "&lt;" : "&gt;"));
  html = html.replace(/`([^`]+)`/g, "<code>$1</code>");
  html = html.replace(/(^|[\s(\u0000])\*([^*\n]+)\*(?=$|[\s).,:;!?\u0000])/g, "$1<b>$2</b>");
  html = html.replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, "$1<i>$2</i>");
  html = html.replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, "$1<s>$2</s>");
  return emoji(html);
}
function textObject(obj) {
  if (!obj) return "";
  return obj.type === "mrkdwn" ? mrkdwn(obj.text || "") : emoji(escapeHtml(obj.text || ""));
}

// --- Block Kit -------------------------------------------------------------------------
function renderBlocks(blocks, place) {
  return blocks.map((block) => renderBlock(block, place)).filter(Boolean);
}
function renderBlock(block, place) {
  switch (block.type) {
    case "header": return el("div", { class: "block header", html: textObject(block.text) });
    case "divider": return el("hr", { class: "divider" });
    case "section": {
      const main = el("div", { class: "body-text" });
      if (block.text) main.append(el("div", { html: textObject(block.text) }));
      if (block.fields) main.append(el("div", { class: "fields" }, block.fields.map((f) => el("div", { html: textObject(f) }))));
      const section = el("div", { class: "block section" }, main);
      if (block.accessory) section.append(renderElement(block.accessory, block, place));
      return section;
    }
    case "context": return el("div", { class: "block context" }, (block.elements || []).map((e) =>
      e.type === "image" ? el("img", { src: e.image_url, alt: e.alt_text || "" }) : el("span", { html: textObject(e) })));
    case "image": return el("figure", { class: "block" },
      el("img", { src: block.image_url, alt: block.alt_text || "", style: "max-width:100%" }),
      block.title ? el("figcaption", { html: textObject(block.title) }) : null);
    case "actions": return el("div", { class: "block actions" }, (block.elements || []).map((e) => renderElement(e, block, place)));
    case "input": return place.modal ? renderInput(block, place) : null;
    default: return null;
  }
}
function renderElement(element, block, place) {
  if (element.type === "button") {
    const style = element.style ? ` ${element.style}` : "";
    return el("button", {
      type: "button", class: `btn${style}`,
      onclick: () => {
        if (element.url && !element.action_id) { window.open(element.url, "_blank"); return; }
        act("press", { ...place.target, action_id: element.action_id || "", block_id: block.block_id || "", value: element.value || "" });
      },
    }, emoji(element.text ? element.text.text : "Button"));
  }
  if (element.type === "image") return el("img", { src: element.image_url, alt: element.alt_text || "", width: 60 });
  return el("span", { class: "meta" }, `[${element.type}]`);
}

// --- modal inputs ----------------------------------------------------------------------
function optionsOf(element) {
  const all = [...(element.options || [])];
  for (const group of element.option_groups || []) all.push(...(group.options || []));
  return all;
}
function renderInput(block, place) {
  const element = block.element || {};
  const id = `in-${block.block_id}`;
  const values = (place.state[block.block_id] || {});
  const current = Object.values(values)[0] || {};
  const label = el("label", { for: id }, block.label ? block.label.text : "",
    block.optional && !(block.label && block.label.text.includes("(optional)")) ? el("span", { class: "optional" }, " (optional)") : null);
  const wrap = el("div", { class: "input", "data-block": block.block_id, "data-type": element.type });
  wrap.append(label);
  let control;
  switch (element.type) {
    case "plain_text_input":
      control = element.multiline
        ? el("textarea", { id, maxlength: element.max_length, placeholder: element.placeholder && element.placeholder.text })
        : el("input", { id, type: "text", maxlength: element.max_length, placeholder: element.placeholder && element.placeholder.text });
      control.value = current.value || "";
      break;
    case "number_input":
      control = el("input", { id, type: "number", step: element.is_decimal_allowed ? "any" : "1", min: element.min_value, max: element.max_value });
      control.value = current.value || "";
      break;
    case "datepicker":
      control = el("input", { id, type: "date" });
      control.value = current.selected_date || "";
      break;
    case "static_select": case "multi_static_select": {
      const multiple = element.type === "multi_static_select";
      control = el("select", { id, multiple });
      if (!multiple) control.append(el("option", { value: "" }, element.placeholder ? element.placeholder.text : "Choose…"));
      const chosen = new Set((multiple ? current.selected_options || [] : [current.selected_option]).filter(Boolean).map((o) => o.value));
      const addOption = (o, parent) => parent.append(el("option", { value: o.value, selected: chosen.has(o.value) }, emoji(o.text.text)));
      for (const o of element.options || []) addOption(o, control);
      for (const g of element.option_groups || []) {
        const group = el("optgroup", { label: g.label.text });
        for (const o of g.options || []) addOption(o, group);
        control.append(group);
      }
      break;
    }
    case "users_select": case "multi_users_select": {
      const multiple = element.type === "multi_users_select";
      control = el("select", { id, multiple });
      if (!multiple) control.append(el("option", { value: "" }, element.placeholder ? element.placeholder.text : "Choose someone…"));
      const chosen = new Set(multiple ? current.selected_users || [] : [current.selected_user]);
      for (const person of ui.people) control.append(el("option", { value: person.id, selected: chosen.has(person.id) }, `${person.name} (${person.school})`));
      break;
    }
    case "checkboxes": case "radio_buttons": {
      const radio = element.type === "radio_buttons";
      const chosen = new Set((radio ? [current.selected_option] : current.selected_options || []).filter(Boolean).map((o) => o.value));
      control = el("div", { id, role: radio ? "radiogroup" : "group", "aria-labelledby": id + "-l" });
      label.id = id + "-l";
      label.removeAttribute("for");
      optionsOf(element).forEach((o, n) => {
        const box = el("input", { type: radio ? "radio" : "checkbox", name: id, value: o.value, id: `${id}-${n}`, checked: chosen.has(o.value) });
        control.append(el("label", { class: "choice", for: `${id}-${n}` }, box,
          el("span", {}, emoji(o.text.text), o.description ? el("small", {}, o.description.text) : null)));
      });
      break;
    }
    default:
      control = el("div", { class: "meta" }, `(${element.type})`);
  }
  wrap.append(control);
  if (block.hint) wrap.append(el("div", { class: "hint" }, block.hint.text));
  const error = place.errors[block.block_id];
  if (error) { wrap.classList.add("invalid"); wrap.append(el("div", { class: "field-error", role: "alert" }, error)); }
  return wrap;
}
function readInput(wrap, element) {
  const control = wrap.querySelector(`#in-${CSS.escape(wrap.dataset.block)}`);
  const byValue = (value) => optionsOf(element).find((o) => o.value === value) || null;
  switch (element.type) {
    case "plain_text_input": case "number_input": return { value: control.value || null };
    case "datepicker": return { selected_date: control.value || null };
    case "static_select": return { selected_option: control.value ? byValue(control.value) : null };
    case "multi_static_select": return { selected_options: [...control.selectedOptions].map((o) => byValue(o.value)) };
    case "users_select": return { selected_user: control.value || null };
    case "multi_users_select": return { selected_users: [...control.selectedOptions].map((o) => o.value) };
    case "radio_buttons": { const on = control.querySelector("input:checked"); return { selected_option: on ? byValue(on.value) : null }; }
    case "checkboxes": return { selected_options: [...control.querySelectorAll("input:checked")].map((b) => byValue(b.value)) };
    default: return null;
  }
}

function renderModal(view) {
  const backdrop = $("modal-backdrop");
  if (!view) { backdrop.hidden = true; ui.modalKey = null; return; }
  const key = `${view.id}:${view.hash}:${JSON.stringify(view.errors)}:${view.failure}`;
  if (key === ui.modalKey) return;
  const sameView = ui.modalKey && ui.modalKey.startsWith(`${view.id}:${view.hash}:`);
  const typed = sameView ? collectModal(view) : null;
  ui.modalKey = key;
  backdrop.hidden = false;
  $("modal-title").textContent = emoji(view.title ? view.title.text : "");
  $("modal-submit").hidden = !view.submit;
  $("modal-submit").textContent = view.submit ? view.submit.text : "Submit";
  $("modal-close").textContent = view.close ? view.close.text : "Cancel";
  const state = { ...((view.state || {}).values || {}) };
  if (typed) for (const [blockId, value] of Object.entries(typed)) state[blockId] = { typed: value };
  const body = $("modal-body");
  body.replaceChildren(...renderBlocks(view.blocks || [], {
    modal: true, state, errors: view.errors || {}, target: { view_id: view.id },
  }));
  const failure = $("modal-failure");
  failure.hidden = !view.failure;
  failure.textContent = view.failure || "";
  const firstError = body.querySelector(".invalid input, .invalid textarea, .invalid select");
  if (firstError) firstError.focus();
}
function collectModal(view) {
  const values = {};
  for (const wrap of $("modal-body").querySelectorAll(".input")) {
    const block = (view.blocks || []).find((b) => b.block_id === wrap.dataset.block);
    if (!block) continue;
    const value = readInput(wrap, block.element || {});
    if (value) values[block.block_id] = value;
  }
  return values;
}

// --- messages ----------------------------------------------------------------------------
function clockOf(ts) {
  const date = new Date(parseFloat(ts) * 1000);
  return {
    time: date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" }),
    day: date.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "Europe/London" }),
  };
}
function renderMessage(message, conversation) {
  const poster = message.user || "UBOT";
  const isApp = poster === "UBOT";
  const who = poster === "USLACKBOT" ? "Slackbot" : isApp ? "staffroom" : nameOf(poster);
  const when = clockOf(message.ts);
  const body = el("div", { class: "body" },
    el("div", { class: "meta" }, el("b", {}, who), isApp ? el("span", { class: "app" }, "APP") : null, when.time,
      message.edited ? " (edited)" : null));
  const place = { modal: false, state: {}, errors: {}, target: { channel: conversation.id, ts: message.ts } };
  if (message.blocks && message.blocks.length) body.append(...renderBlocks(message.blocks, place).map((b) => b));
  else if (message.text) body.append(el("div", { class: "block", html: mrkdwn(message.text) }));
  for (const file of message.files || []) {
    body.append(el("div", { class: "file" },
      (file.mimetype || "").startsWith("image/") ? el("img", { src: `/files/${file.id}`, alt: file.title || file.name }) : null,
      el("div", { class: "name" }, `📎 ${file.title || file.name} (${file.name})`)));
  }
  if (message.ephemeral_to) body.append(el("div", { class: "only-you" }, "Only visible to you"));
  const classes = ["message"];
  if (message.ephemeral_to) classes.push("ephemeral");
  if (message.thread_ts && message.thread_ts !== message.ts) classes.push("thread");
  const avatar = el("div", { class: `avatar${isApp ? "" : poster === "USLACKBOT" ? " slackbot" : " person"}` }, who[0].toUpperCase());
  return el("article", { class: classes.join(" "), "data-ts": message.ts }, avatar, body);
}
function orderWithThreads(messages) {
  const top = messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const replies = messages.filter((m) => m.thread_ts && m.thread_ts !== m.ts);
  const out = [];
  for (const m of top) {
    out.push(m);
    out.push(...replies.filter((r) => r.thread_ts === m.ts));
  }
  out.push(...replies.filter((r) => !top.some((m) => m.ts === r.thread_ts)));
  return out;
}

// --- the page -----------------------------------------------------------------------------
function render() {
  const data = ui.data;
  if (!data) return;
  $("clock-label").textContent = data.clock_label;
  $("clock-input").value = data.clock.slice(0, 16);
  if (!ui.current || !data.conversations.some((c) => c.id === ui.current)) ui.current = data.conversations.length ? data.conversations[0].id : null;
  const seen = ui.seen[ui.user] || (ui.seen[ui.user] = {});
  for (const [list, direct] of [[$("apps"), true], [$("channels"), false]]) {
    list.replaceChildren(...data.conversations.filter((c) => c.direct === direct).map((c) => {
      if (c.id === ui.current && ui.tab === "messages") seen[c.id] = c.messages.length;
      if (seen[c.id] === undefined) seen[c.id] = c.messages.length;
      const unread = c.messages.length - seen[c.id];
      const classes = [c.id === ui.current ? "current" : "", unread > 0 ? "unread" : ""].join(" ");
      return el("li", {}, el("button", { type: "button", class: classes, "data-conversation": c.id,
        onclick: () => { ui.current = c.id; ui.tab = "messages"; render(); } },
        el("span", {}, c.direct ? "🟣 staffroom" : c.name), unread > 0 ? el("span", { class: "badge" }, String(unread)) : null));
    }));
  }
  const conversation = data.conversations.find((c) => c.id === ui.current);
  const direct = conversation && conversation.direct;
  $("conversation-title").textContent = conversation ? conversation.name : "";
  $("tabs").hidden = !direct;
  const showHome = direct && ui.tab === "home";
  $("tab-home").setAttribute("aria-selected", showHome);
  $("tab-messages").setAttribute("aria-selected", !showHome);
  $("home").hidden = !showHome;
  $("messages").hidden = showHome;
  $("composer").hidden = showHome;
  if (showHome) {
    const home = data.home;
    $("home").replaceChildren(...(home ? renderBlocks(home.blocks || [], { modal: false, state: {}, errors: {}, target: { view_id: home.id } })
      : [el("p", { class: "empty" }, "Opening the App Home…")]));
  } else if (conversation) {
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const nodes = [];
    let lastDay = null;
    for (const message of orderWithThreads(conversation.messages)) {
      const day = clockOf(message.ts).day;
      if (day !== lastDay) { nodes.push(el("div", { class: "day" }, day)); lastDay = day; }
      nodes.push(renderMessage(message, conversation));
    }
    if (!nodes.length) nodes.push(el("p", { class: "empty" }, direct ? "Your direct messages with staffroom appear here." : "Nothing here yet."));
    box.replaceChildren(...nodes);
    if (atBottom || ui.scrollDown) { box.scrollTop = box.scrollHeight; ui.scrollDown = false; }
  }
  renderModal(data.modal);
}

async function refresh(wait) {
  if (!ui.user) return;
  const user = ui.user;
  const since = wait ? ui.version : -1;
  const controller = new AbortController();
  if (ui.poll) ui.poll.abort();
  ui.poll = controller;
  try {
    const answer = await fetch(`/demo/state?user=${encodeURIComponent(user)}&since=${since}`, { signal: controller.signal });
    if (!answer.ok || user !== ui.user) return;
    ui.data = await answer.json();
    ui.version = ui.data.version;
    render();
  } catch (error) {
    if (error.name === "AbortError") return;
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    if (ui.poll === controller) { ui.poll = null; setTimeout(() => refresh(true), 0); }
  }
}

async function act(what, body) {
  const answer = await fetch(`/demo/${what}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: ui.user, ...body }),
  });
  const result = await answer.json().catch(() => ({}));
  if (!answer.ok || result.ok === false) toast(result.error || "That did not work.");
  else if (result.failure) toast(result.failure);
  return result;
}
function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

function choosePerson(id) {
  ui.user = id;
  ui.data = null;
  ui.version = -1;
  ui.modalKey = null;
  ui.tab = "messages";
  ui.current = null;
  ui.scrollDown = true;
  $("person").value = id;
  history.replaceState(null, "", `?as=${encodeURIComponent((ui.people.find((p) => p.id === id) || {}).key || "")}`);
  refresh(false);
}

// --- the composer: slash commands and @name completion ------------------------------------
function completions(text) {
  const caret = $("composer-input").selectionStart;
  const before = text.slice(0, caret);
  const word = before.match(/(^|\s)([/@][\w.'-]*)$/);
  if (!word) return [];
  const token = word[2].toLowerCase();
  if (token.startsWith("/") && before.trim() === word[2]) {
    return ui.commands.filter((c) => c.command.startsWith(token)).map((c) => ({ insert: c.command + " ", label: c.command, hint: c.hint, token: word[2] }));
  }
  if (token.startsWith("@")) {
    const wanted = token.slice(1);
    return ui.people.filter((p) => p.key.startsWith(wanted) || p.name.toLowerCase().startsWith(wanted) || p.name.toLowerCase().split(" ").some((n) => n.startsWith(wanted)))
      .slice(0, 8).map((p) => ({ insert: `@${p.key} `, label: p.name, hint: `${p.job}, ${p.school}`, token: word[2] }));
  }
  return [];
}
function showCompletions() {
  const input = $("composer-input");
  ui.completion = completions(input.value);
  const list = $("completions");
  list.hidden = !ui.completion.length;
  list.replaceChildren(...ui.completion.map((c, n) => el("li", { role: "option", class: n === 0 ? "active" : "",
    onmousedown: (event) => { event.preventDefault(); complete(c); } }, c.label, el("small", {}, c.hint))));
}
function complete(choice) {
  const input = $("composer-input");
  const caret = input.selectionStart;
  const start = caret - choice.token.length;
  input.value = input.value.slice(0, start) + choice.insert + input.value.slice(caret);
  const at = start + choice.insert.length;
  input.setSelectionRange(at, at);
  input.focus();
  showCompletions();
}

function wire() {
  $("person").addEventListener("change", (e) => choosePerson(e.target.value));
  const input = $("composer-input");
  input.addEventListener("input", showCompletions);
  input.addEventListener("keydown", (event) => {
    if ((event.key === "Tab" || event.key === "Enter") && ui.completion.length && !$("completions").hidden) {
      const token = ui.completion[0].token;
      if (!(event.key === "Enter" && token.startsWith("/") && input.value.trim().includes(" "))) {
        event.preventDefault();
        complete(ui.completion[0]);
      }
    } else if (event.key === "Escape") $("completions").hidden = true;
  });
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    $("completions").hidden = true;
    ui.scrollDown = true;
    await act("command", { channel: ui.current, text });
  });
  $("modal").addEventListener("submit", async (event) => {
    event.preventDefault();
    const view = ui.data && ui.data.modal;
    if (!view) return;
    $("modal-submit").disabled = true;
    try { await act("submit", { values: collectModal(view) }); } finally { $("modal-submit").disabled = false; }
  });
  for (const id of ["modal-close", "modal-x"]) $(id).addEventListener("click", () => act("close", {}));
  for (const button of document.querySelectorAll("#tabs button")) {
    button.addEventListener("click", () => {
      ui.tab = button.dataset.tab;
      if (ui.tab === "home") act("home", {});
      render();
    });
  }
  for (const button of document.querySelectorAll(".clock button[data-step]")) {
    button.addEventListener("click", () => act("clock", { step: button.dataset.step }));
  }
  $("clock-go").addEventListener("click", () => act("clock", { moment: $("clock-input").value }));
}

async function start() {
  wire();
  const answer = await (await fetch("/demo/people")).json();
  ui.people = answer.people;
  ui.commands = answer.commands;
  $("person").replaceChildren(...ui.people.map((p) => el("option", { value: p.id }, `${p.name}: ${p.job}, ${p.school}`)));
  const wanted = new URLSearchParams(location.search).get("as");
  const first = ui.people.find((p) => p.key === wanted) || ui.people.find((p) => p.key === "alice") || ui.people[0];
  choosePerson(first.id);
}
start();
