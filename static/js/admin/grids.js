// User admin: the grids a worker may be given are searched within the area chosen above, so that a
// county's 1,600 grids are not one list. The server checks it again on save.
"use strict";
window.addEventListener("load", () => {
  const $ = window.django && window.django.jQuery;
  const grids = document.getElementById("id_grids");
  const area = document.getElementById("id_area");
  if (!$ || !grids || !area || !$.fn.select2) return;
  const settings = $(grids).data("select2").options.options;
  $(grids).select2("destroy");
  $(grids).select2({
    ...settings,
    ajax: {
      ...settings.ajax,
      data: (params) => ({
        term: params.term, page: params.page, app_label: grids.dataset.appLabel,
        model_name: grids.dataset.modelName, field_name: grids.dataset.fieldName, area: area.value,
      }),
    },
  });
});
