// Thumbnails of the photos chosen in a photo input (input[type=file][accept^=image]), so the worker
// sees what will be sent before sending it. The outbox calls it again when it puts a queued item's
// photos back into the form (the "change" event below).
(function () {
  "use strict";
  const inputs = document.querySelectorAll("main input[type=file][accept^=image]");

  function show(input) {
    let strip = input.parentElement.querySelector(".thumbs");
    if (!strip) {
      strip = document.createElement("ul");
      strip.className = "thumbs";
      input.insertAdjacentElement("afterend", strip);
    }
    for (const img of strip.querySelectorAll("img")) URL.revokeObjectURL(img.src);
    strip.replaceChildren(...Array.from(input.files, (file) => {
      const li = document.createElement("li");
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      img.width = img.height = 72;  // fixed: nothing below moves as the pictures decode
      li.append(img);
      return li;
    }));
  }

  for (const input of inputs) {
    input.addEventListener("change", () => show(input));
    input.form.addEventListener("reset", () => setTimeout(() => show(input)));  // after the reset clears it
  }
})();
