// The child's chat page. Everything it says comes from the page's data block (bot/web/wording.yml);
// nothing the child types goes into the URL, browser storage or anywhere but the web app's API.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("chat-data").textContent);
  const words = data.words;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const messages = $("messages"), choices = $("choices"), status = $("status"), typed = $("typed");
  const answer = $("answer"), controls = $("controls"), panel = $("practitioner-panel");
  const MESSAGE_GAP_MS = 900; // bot messages appear one at a time
  const RETRY_MS = 3000;
  let pending = null; // the message being sent, kept (with its id) until the web app has it
  // the practitioner is writing down what the child says: each typed message is sent marked so,
  // and keeps that mark when it is sent again, whatever the switch says by then
  let scribing = data.scribing;
  let ended = data.ended;
  let showing = 0; // a counter, so a newer reply replaces one still appearing
  // Draw: offered under a question a drawing may answer (the reply marks it `drawing`); the
  // drawing screen (draw.js) stays open until its drawing is sent, so nothing drawn is lost
  const drawButton = $("draw"), drawingArea = $("drawing-area");
  let drawing = null;

  function newMessageId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function speak(text) {
    if (!("speechSynthesis" in window) || !text) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = data.language;
    window.speechSynthesis.speak(utterance);
  }

  function messageElement(text) {
    const item = document.createElement("div");
    item.className = "message";
    const said = document.createElement("p");
    said.textContent = text;
    const again = document.createElement("button");
    again.type = "button";
    again.className = "speak";
    again.setAttribute("aria-label", words.speak);
    again.title = words.speak;
    again.textContent = "🔊";
    again.addEventListener("click", () => { window.speechSynthesis && window.speechSynthesis.cancel(); speak(text); });
    item.append(said, again);
    return item;
  }

  // The session's activities (the API's `progress`): for 4-7 a path of pictures across the top, each
  // ticked once done and the one we are in highlighted; for the older bands one plain line. Names
  // come from the prompt pack, every other word from wording.yml.
  const youngest = document.body.classList.contains("age_4_7");
  let pictures = {}; // activity -> its picture, for the buttons that choose an activity

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function showProgress(steps) {
    if (!steps) return;
    pictures = Object.fromEntries(steps.filter((s) => s.picture).map((s) => [s.activity, s.picture]));
    $("progress").hidden = steps.length === 0;
    if (!youngest) {
      const done = steps.filter((s) => s.state === "done").length;
      $("progress-count").textContent = fill(words.progress_count || "", { done, total: steps.length });
      return;
    }
    const path = $("progress-path");
    // the same steps as before are updated in place, so the pictures do not flicker
    if (path.dataset.steps !== steps.map((s) => s.activity).join(" ")) {
      path.replaceChildren(...steps.map((step) => {
        const item = document.createElement("li");
        item.title = step.name;
        if (step.picture) {
          const picture = document.createElement("img");
          picture.src = step.picture;
          picture.alt = ""; // the step's words are in the label beside it
          picture.width = picture.height = 64;
          item.append(picture);
        }
        const label = document.createElement("span");
        label.className = "visually-hidden";
        item.append(label);
        return item;
      }));
      path.dataset.steps = steps.map((s) => s.activity).join(" ");
    }
    steps.forEach((step, index) => {
      const item = path.children[index];
      item.className = "step " + step.state + (step.picture ? "" : " no-picture");
      if (step.state === "current") item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
      item.lastChild.textContent = fill(words.progress_step, { activity: step.name, state: words["progress_" + step.state] });
    });
    fitPath();
  }

  // A path too long for the screen scrolls sideways, with the step we are in kept in the middle;
  // it can then take the keyboard's focus, so it scrolls without a finger too.
  function fitPath() {
    const path = $("progress-path");
    if (!path) return;
    const current = path.querySelector(".current");
    if (current) path.scrollLeft = current.offsetLeft - (path.clientWidth - current.offsetWidth) / 2;
    if (path.scrollWidth > path.clientWidth) path.tabIndex = 0;
    else path.removeAttribute("tabindex");
  }
  window.addEventListener("resize", fitPath);

  // The activity a button chooses (/choose{"choice":"feelings"}), if it is one.
  function chosenActivity(payload) {
    const match = /^\/choose(\{.*\})$/.exec(payload || "");
    try { return match ? JSON.parse(match[1]).choice : null; } catch (error) { return null; }
  }

  // "😊 Happy" shows as a big face with its word under it (for 4-7, an activity as its picture);
  // a row of numbers as a scale.
  function choiceButton(button) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "choice";
    element.dataset.payload = button.payload;
    const match = /^(\P{L}+?)\s+(.+)$/u.exec(button.title);
    const picture = youngest ? pictures[chosenActivity(button.payload)] : null;
    if (match && picture) {
      const image = document.createElement("img");
      image.className = "face";
      image.src = picture;
      image.alt = ""; // the word under it names it
      image.width = image.height = 64;
      const word = document.createElement("span");
      word.className = "word";
      word.textContent = match[2];
      element.classList.add("picture");
      element.append(image, word);
    } else if (match && !/^\d+$/.test(button.title)) {
      const face = document.createElement("span");
      face.className = "face";
      face.setAttribute("aria-hidden", "true");
      face.textContent = match[1];
      const word = document.createElement("span");
      word.className = "word";
      word.textContent = match[2];
      element.append(face, word);
    } else {
      element.textContent = button.title;
    }
    element.addEventListener("click", () => send({ payload: button.payload }));
    return element;
  }

  function showButtons(buttons) {
    choices.replaceChildren();
    if (!buttons || !buttons.length) return;
    const numbers = buttons.filter((b) => /^\d+$/.test(b.title));
    choices.classList.toggle("scale", numbers.length >= 5);
    buttons.forEach((b) => choices.append(choiceButton(b)));
  }

  function showReply(reply, after) {
    const mine = ++showing;
    messages.replaceChildren();
    choices.replaceChildren();
    drawButton.hidden = true;
    reply.forEach((message, index) => {
      setTimeout(() => {
        if (mine !== showing) return;
        messages.append(messageElement(message.text || ""));
        if (data.read_aloud) speak(message.text);
        if (index === reply.length - 1) {
          showButtons(message.buttons);
          drawButton.hidden = ended || !message.drawing; // the question now on the screen takes a drawing
          if (after) after();
          if (!ended) typed.focus({ preventScroll: true });
        }
      }, index * MESSAGE_GAP_MS);
    });
    if (!reply.length && after) after();
  }

  function setBusy(busy) {
    document.body.classList.toggle("busy", busy);
    typed.readOnly = busy;
    document.querySelectorAll("button.choice, #controls button, #send, #draw").forEach((b) => { b.disabled = busy || ended; });
  }

  // Nothing more can be answered: every way of answering goes.
  function stopAnswering() {
    ended = true;
    answer.hidden = true;
    controls.hidden = true;
    choices.replaceChildren();
    drawButton.hidden = true;
    if (drawing) closeDrawing();
  }

  function showEnded() {
    stopAnswering();
    $("ended-screen").hidden = false;
  }

  // The tablet's log-in has ended (logged out, or left too long): only the practitioner can go on.
  function showLoggedOut() {
    stopAnswering();
    if (panel.open) panel.close();
    $("practitioner-open").hidden = true;
    $("logged-out-screen").hidden = false;
  }

  async function send(body) {
    if (pending || ended) return;
    pending = Object.assign({ message_id: newMessageId() }, body);
    setBusy(true);
    status.textContent = words.waiting;
    await attempt();
  }

  function request(message) {
    if (message.drawing) {
      return fetch(data.drawing_url + "?message_id=" + encodeURIComponent(message.message_id), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "image/png", "X-CSRFToken": csrf }, body: message.drawing,
      });
    }
    return fetch(data.send_url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(message),
    });
  }

  async function attempt() {
    let response, result;
    try {
      response = await request(pending);
      if (response.status >= 500) throw new Error("unavailable");
      if (response.status === 401) { pending = null; setBusy(false); status.textContent = ""; showLoggedOut(); return; }
      // a refusal is never sent again as it is; one that is not our JSON (a proxy's page) is a refusal too
      result = response.ok ? await response.json() : await response.json().catch(() => ({ error: "refused" }));
    } catch (error) {
      // Calm words; the same message (same id) goes again, so it is never stored twice.
      status.textContent = words.trouble;
      setTimeout(attempt, RETRY_MS);
      return;
    }
    const sent = pending;
    pending = null;
    status.textContent = "";
    setBusy(false);
    if (response.status === 409 && result.error !== "drawing_not_asked") { showEnded(); return; }
    if (!response.ok) { // e.g. an empty message: the words stay in the box; a drawing refused stays on screen
      if (sent.drawing) status.textContent = data.draw_words.refused;
      return;
    }
    if ("message" in sent) typed.value = "";
    if (sent.drawing) closeDrawing();
    showAlerts(result.alerts);
    showProgress(result.progress);
    const finished = ["completed", "stopped", "ended"].includes(result.status);
    showReply(result.messages, () => {
      if (sent.payload === "/take_break") $("break-screen").hidden = false;
      if (finished) setTimeout(showEnded, 4000);
    });
  }

  function closeDrawing() {
    if (drawing) drawing.close();
    drawing = null;
    drawingArea.replaceChildren();
    if (!ended) drawButton.focus({ preventScroll: true });
  }

  drawButton.addEventListener("click", () => {
    if (drawing || pending || ended) return;
    const question = document.createElement("p"); // what the drawing answers, kept in sight
    question.className = "drawing-question";
    const asked = messages.querySelectorAll(".message p");
    question.textContent = asked.length ? asked[asked.length - 1].textContent : "";
    drawingArea.append(question);
    drawing = OwnWordsDraw.open(drawingArea, data.draw_words, (png) => send({ drawing: png }), closeDrawing);
  });

  answer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (typed.value.length) send(scribing ? { message: typed.value, scribed: true } : { message: typed.value });
  });
  typed.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      answer.requestSubmit();
    }
  });
  controls.querySelectorAll("button[data-payload]").forEach((button) =>
    button.addEventListener("click", () => send({ payload: button.dataset.payload })));
  $("carry-on").addEventListener("click", () => { $("break-screen").hidden = true; typed.focus(); });

  // The practitioner's discreet controls.
  async function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
  }
  $("practitioner-open").addEventListener("click", () => panel.showModal());

  // On a tablet handed to the child, the panel's controls open only with the practitioner's
  // password, and close again with the panel.
  let lockTimer = null;
  function setUnlocked(open, until) {
    if (!data.child_mode) return;
    $("panel-controls").hidden = !open;
    $("unlock-form").hidden = open;
    $("panel-pin").value = "";
    $("unlock-status").textContent = "";
    clearTimeout(lockTimer);
    // the server closes the panel at `until`; the page closes it too, so it never looks open when it is not
    if (open && until) lockTimer = setTimeout(() => setUnlocked(false), Math.max(0, new Date(until) - Date.now()));
  }
  if (data.child_mode) {
    post(data.lock_url); // a reload starts with the panel closed, on the server too
    $("unlock-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await post(data.unlock_url, { pin: $("panel-pin").value });
      $("panel-pin").value = "";
      const result = await response.json();
      if (response.ok) { setUnlocked(true, result.unlocked_until); return; }
      if (result.error === "not_logged_in") { showLoggedOut(); return; }
      $("unlock-status").textContent = $("unlock-status").dataset.wrong;
    });
    panel.addEventListener("close", () => {
      if (!$("panel-controls").hidden) post(data.lock_url);
      setUnlocked(false);
    });
  }

  // A panel action the server refused because the panel had closed: ask for the code again.
  async function panelPost(url, body) {
    const response = await post(url, body);
    if (response.status === 403 && (await response.clone().json()).error === "panel_locked") setUnlocked(false);
    if (response.status === 401) showLoggedOut();
    return response;
  }

  // A safeguarding flag: an amber dot on the practitioner's button, and in their panel the time and
  // activity with a button to acknowledge it. Never words a child would read over a shoulder.
  function showAlerts(alerts) {
    if (!alerts) return;
    const open = $("practitioner-open"), list = $("alert-list");
    open.classList.toggle("alert", alerts.length > 0);
    const label = data.menu_words[alerts.length > 0 ? 1 : 0];
    open.setAttribute("aria-label", label);
    open.title = label;
    $("alerts").hidden = alerts.length === 0;
    list.replaceChildren();
    alerts.forEach((alert) => {
      const item = $("alert-template").content.firstElementChild.cloneNode(true);
      const time = new Date(alert.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      item.querySelector(".when").textContent = data.alert_item.replace("{time}", time).replace("{activity}", alert.activity || "");
      item.querySelector(".acknowledge").addEventListener("click", async () => {
        const response = await panelPost(alert.acknowledge_url);
        if (response.ok) showAlerts((await response.json()).alerts);
      });
      list.append(item);
    });
  }
  $("practitioner-close").addEventListener("click", () => panel.close());
  function showScribing() {
    $("scribing-note").hidden = !scribing;
    const toggle = $("scribing-toggle");
    if (!toggle) return; // a practice session: no one is written down for
    toggle.textContent = scribing ? data.scribing_words.stop : data.scribing_words.start;
    toggle.setAttribute("aria-pressed", String(scribing));
  }
  if ($("scribing-toggle")) $("scribing-toggle").addEventListener("click", async () => {
    const response = await panelPost(data.scribing_url, { on: !scribing });
    if (!response.ok) return;
    scribing = (await response.json()).scribing;
    showScribing();
    panel.close();
    typed.focus();
  });
  showScribing();
  $("pause").addEventListener("click", () => {
    $("pause-screen").hidden = false; $("pause").hidden = true; $("resume").hidden = false; panel.close();
  });
  $("resume").addEventListener("click", () => {
    $("pause-screen").hidden = true; $("pause").hidden = false; $("resume").hidden = true; panel.close();
  });
  $("note-save").addEventListener("click", async () => {
    const note = $("note");
    if (!note.value.trim()) return;
    const response = await panelPost(data.note_url, { text: note.value });
    if (response.ok) { note.value = ""; $("note-status").textContent = panel.dataset.saved || "✓"; }
  });
  $("end").addEventListener("click", async () => {
    if (!window.confirm($("end").dataset.confirm)) return;
    const response = await panelPost(data.end_url);
    if (!response.ok) return;
    const result = await response.json();
    panel.close();
    showEnded();
    if (result.logged_out) $("practitioner-open").hidden = true; // child mode ended with the session
  });

  // Start, or pick up where the conversation was (after a reload).
  async function begin() {
    if (ended) { showEnded(); return; }
    const response = await fetch(data.history_url, { credentials: "same-origin" });
    if (response.status === 401) { showLoggedOut(); return; }
    const history = await response.json();
    showAlerts(history.alerts);
    showProgress(history.progress);
    // only a session not yet begun starts; otherwise the bot's last messages are shown again
    if (history.status === "new") { send({ payload: "/start" }); return; }
    showReply(history.shown.map((t) => ({ text: t.text, buttons: t.buttons, drawing: t.drawing })));
  }
  begin();
})();
