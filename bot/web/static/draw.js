// Drawing as an answer: a canvas a child draws on with a finger, a pen or a mouse, then sends as a
// PNG. No libraries. Every word it shows or announces comes from the `words` the caller passes (read
// from YAML); it keeps nothing in browser storage or the URL. The server checks the PNG again
// (bot/store/drawing_image.py).
//
//   const drawing = OwnWordsDraw.open(container, words, onSend, onCancel);
//   onSend(blob): a 1024x768 PNG Blob on white. It may return a promise: Send stays disabled until
//     it settles, and the drawing stays on screen, so a failed upload can be sent again.
//   onCancel(): the child chose Cancel.
//   The widget never removes itself: the caller calls drawing.close() when it is done with it.
(() => {
  "use strict";
  // Every drawing is this size whatever the screen: the canvas's pixels never change, CSS scales
  // it to fit, and pointer positions are mapped back through its on-screen box (so devicePixelRatio
  // and zoom do not matter).
  const WIDTH = 1024, HEIGHT = 768;
  const PAPER = "#ffffff";
  // Eight colours far apart from each other, with brown for skin and hair.
  const COLOURS = [
    ["black", "#1b1b1b"], ["brown", "#8b5a2b"], ["red", "#d7263d"], ["orange", "#f28c00"],
    ["yellow", "#ffd400"], ["green", "#2a9d3f"], ["blue", "#1e63d6"], ["purple", "#7b3fb5"],
  ];
  const PENS = [["thin", 10], ["thick", 28]]; // in drawing pixels (1024 across)
  const ERASER = 56;
  const WORDS = ["title", "canvas", "colour_group", "pen_group", "thin", "thick", "eraser", "undo", "clear",
    "clear_confirm", "clear_yes", "clear_no", "cancel", "send"];

  function checkWords(words) {
    const missing = WORDS.filter((key) => typeof (words || {})[key] !== "string" || !words[key]);
    const colours = (words && words.colours) || {};
    COLOURS.forEach(([name]) => { if (typeof colours[name] !== "string" || !colours[name]) missing.push("colours." + name); });
    if (missing.length) throw new Error("OwnWordsDraw.open: words without " + missing.join(", "));
  }

  function element(tag, className, attributes) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    Object.entries(attributes || {}).forEach(([name, value]) => made.setAttribute(name, value));
    return made;
  }

  function button(className, label, visible) {
    const made = element("button", className, { type: "button", "aria-label": label });
    if (visible) made.textContent = label;
    return made;
  }

  function open(container, words, onSend, onCancel) {
    checkWords(words);
    let strokes = []; // each {colour, width, points: [[x, y], ...]}, for undo and redrawing
    let current = null; // the stroke being drawn, with the id of the one pointer drawing it
    let colour = COLOURS[0][1], pen = PENS[1][1], erasing = false;
    let busy = false, confirming = false, closed = false;

    const root = element("div", "ow-draw", { role: "group", "aria-label": words.title });
    const tools = element("div", "ow-draw-tools");
    const colourGroup = element("div", "ow-draw-colours", { role: "group", "aria-label": words.colour_group });
    const swatches = COLOURS.map(([name, value]) => {
      const swatch = button("ow-draw-swatch", words.colours[name], false);
      swatch.style.setProperty("--swatch", value);
      swatch.dataset.colour = name;
      swatch.addEventListener("click", () => { colour = value; erasing = false; update(); });
      colourGroup.append(swatch);
      return [swatch, value];
    });
    const penGroup = element("div", "ow-draw-pens", { role: "group", "aria-label": words.pen_group });
    const pens = PENS.map(([name, width]) => {
      const choice = button("ow-draw-pen", words[name], false);
      choice.dataset.pen = name;
      const dot = element("span", "ow-draw-dot ow-draw-dot-" + name, { "aria-hidden": "true" });
      choice.append(dot);
      choice.addEventListener("click", () => { pen = width; erasing = false; update(); });
      penGroup.append(choice);
      return [choice, width];
    });
    const eraser = button("ow-draw-eraser", words.eraser, true);
    eraser.addEventListener("click", () => { erasing = !erasing; update(); });
    penGroup.append(eraser);
    const editGroup = element("div", "ow-draw-edit");
    const undo = button("ow-draw-undo", words.undo, true);
    const clear = button("ow-draw-clear", words.clear, true);
    editGroup.append(undo, clear);
    tools.append(colourGroup, penGroup, editGroup);

    const stage = element("div", "ow-draw-stage");
    const canvas = element("canvas", "ow-draw-canvas", { role: "img", "aria-label": words.canvas });
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    const confirm = element("div", "ow-draw-confirm", { role: "alertdialog", "aria-label": words.clear_confirm });
    confirm.hidden = true;
    const question = element("p");
    question.textContent = words.clear_confirm;
    const yes = button("ow-draw-clear-yes", words.clear_yes, true);
    const no = button("ow-draw-clear-no", words.clear_no, true);
    const answers = element("div", "ow-draw-confirm-answers");
    answers.append(no, yes);
    confirm.append(question, answers);
    stage.append(canvas, confirm);

    const actions = element("div", "ow-draw-actions");
    const cancel = button("ow-draw-cancel", words.cancel, true);
    const send = button("ow-draw-send", words.send, true);
    actions.append(cancel, send);
    root.append(tools, stage, actions);

    const context = canvas.getContext("2d");
    context.lineCap = "round";
    context.lineJoin = "round";

    function paper() {
      context.fillStyle = PAPER;
      context.fillRect(0, 0, WIDTH, HEIGHT);
    }

    // The stroke's line from its point `from` on (a dot if it is one point so far).
    function paint(stroke, from) {
      const points = stroke.points;
      if (points.length === 1) {
        context.fillStyle = stroke.colour;
        context.beginPath();
        context.arc(points[0][0], points[0][1], stroke.width / 2, 0, 2 * Math.PI);
        context.fill();
        return;
      }
      context.strokeStyle = stroke.colour;
      context.lineWidth = stroke.width;
      context.beginPath();
      context.moveTo(points[Math.max(from - 1, 0)][0], points[Math.max(from - 1, 0)][1]);
      for (let i = Math.max(from, 1); i < points.length; i++) context.lineTo(points[i][0], points[i][1]);
      context.stroke();
    }

    function redraw() {
      paper();
      strokes.forEach((stroke) => paint(stroke, 0));
    }

    function update() {
      swatches.forEach(([swatch, value]) => swatch.setAttribute("aria-pressed", String(!erasing && value === colour)));
      pens.forEach(([choice, width]) => choice.setAttribute("aria-pressed", String(!erasing && width === pen)));
      eraser.setAttribute("aria-pressed", String(erasing));
      root.classList.toggle("ow-draw-erasing", erasing);
      undo.disabled = clear.disabled = busy || strokes.length === 0;
      send.disabled = busy || strokes.length === 0;
      cancel.disabled = busy;
      tools.inert = actions.inert = confirming;
    }

    // The pointer's place in drawing pixels, kept inside the paper.
    function at(event) {
      const box = canvas.getBoundingClientRect();
      const x = ((event.clientX - box.left) * WIDTH) / box.width;
      const y = ((event.clientY - box.top) * HEIGHT) / box.height;
      return [Math.min(Math.max(x, 0), WIDTH), Math.min(Math.max(y, 0), HEIGHT)];
    }

    canvas.addEventListener("pointerdown", (event) => {
      // One pointer draws at a time: a second finger or a resting palm is ignored.
      if (current || busy || confirming || (event.pointerType === "mouse" && event.button !== 0)) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = { pointer: event.pointerId, colour: erasing ? PAPER : colour, width: erasing ? ERASER : pen, points: [at(event)] };
      strokes.push(current);
      paint(current, 0);
      update();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!current || event.pointerId !== current.pointer) return;
      const from = current.points.length;
      // the in-between positions a fast finger passes through, where the browser keeps them
      const coalesced = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      (coalesced.length ? coalesced : [event]).forEach((each) => current.points.push(at(each)));
      paint(current, from);
    });
    const finish = (event) => { if (current && event.pointerId === current.pointer) current = null; };
    ["pointerup", "pointercancel", "lostpointercapture"].forEach((name) => canvas.addEventListener(name, finish));
    canvas.addEventListener("contextmenu", (event) => event.preventDefault()); // a long press is drawing

    undo.addEventListener("click", () => {
      if (current) return;
      strokes.pop();
      redraw();
      update();
      if (undo.disabled) swatches[0][0].focus();
    });
    clear.addEventListener("click", () => {
      confirming = true;
      confirm.hidden = false;
      update();
      no.focus(); // keeping the drawing is the easy choice
    });
    function endConfirm(clearIt) {
      confirming = false;
      confirm.hidden = true;
      if (clearIt) {
        strokes = [];
        redraw();
      }
      update();
      (clear.disabled ? swatches[0][0] : clear).focus();
    }
    yes.addEventListener("click", () => endConfirm(true));
    no.addEventListener("click", () => endConfirm(false));
    cancel.addEventListener("click", () => { if (!busy) onCancel(); });
    send.addEventListener("click", () => {
      if (busy || strokes.length === 0) return;
      busy = true;
      update();
      canvas.toBlob((blob) => {
        const done = () => { if (!closed) { busy = false; update(); } };
        if (!blob) return done();
        Promise.resolve().then(() => onSend(blob)).finally(done);
      }, "image/png");
    });

    redraw();
    update();
    container.append(root);
    swatches[0][0].focus({ preventScroll: true });
    return {
      element: root,
      isEmpty: () => strokes.length === 0,
      close() {
        closed = true;
        current = null;
        root.remove();
      },
    };
  }

  window.OwnWordsDraw = Object.freeze({ open, WIDTH, HEIGHT, COLOURS: COLOURS.map(([name]) => name) });
})();
