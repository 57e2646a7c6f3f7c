// "Who is using this PC": chosen once and remembered on this PC only (the database may one day
// be shared by several PCs, so this never goes into it).

const KEY = "fidelia.me";

/** The staff id of the person using this PC, or null. */
export function me() {
  const v = window.localStorage.getItem(KEY);
  const n = v == null ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

export function setMe(staffId) {
  if (staffId == null || staffId === "") window.localStorage.removeItem(KEY);
  else window.localStorage.setItem(KEY, String(staffId));
}
