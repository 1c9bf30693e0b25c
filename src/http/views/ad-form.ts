/**
 * The ad form, for posting and for editing through the private link. On an error it comes back
 * with everything the poster typed still in it and a message next to each field that needs work.
 */
import { getCategory } from '../../catalog/categories.ts';
import { fieldsCategorySlug } from '../../listings/ad-input.ts';
import type { FieldDef } from '../../catalog/field-def.ts';
import { MAX_PHOTOS } from '../../listings/ad-input.ts';
import type { PhotoRow } from '../../listings/ad.repository.ts';
import type { Places } from '../../places/places.ts';
import { html, type Html } from '../html.ts';
import { photoUrl } from './format.ts';

export interface AdFormInput {
  places: Places;
  action: string;
  csrfToken: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  mode: 'post' | 'edit';
  photos?: PhotoRow[];
  /** Where the poster sees the photos (src/http/routes/photos.ts ownPhotosBase): the public addresses answer only for live ads. */
  photoBase?: string;
  /** Photos whose files a hash-bank rejection deleted: shown as removed rather than as broken images. */
  removedPhotoIds?: ReadonlySet<number>;
  keptPhotoIds?: number[];
  /** A signed-in poster's confirmed address: shown instead of the e-mail field (src/accounts). */
  accountEmail?: string;
}

function fieldError(errors: Record<string, string>, name: string): Html | null {
  return errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : null;
}

function wrap(errors: Record<string, string>, name: string, inner: Html): Html {
  return html`<div class="field${errors[name] ? ' invalid' : ''}">${inner}${fieldError(errors, name)}</div>`;
}

const describedBy = (errors: Record<string, string>, name: string) => (errors[name] ? `${name}-error` : null);

/**
 * Cities are offered for one country at a time: all 4,000+ in one list would make the form too
 * heavy for a phone. Without JavaScript, "Update the form" after choosing a country fills the list.
 */
function placeInputs(places: Places, v: Record<string, string>, errors: Record<string, string>): Html {
  const city = v.city ? places.cityBySlug.get(v.city) : undefined;
  const country = places.countryBySlug.get(v.country ?? '') ?? (city ? places.countryByCode.get(city.countryCode) : undefined);
  const cities = country ? places.cities.filter((c) => c.countryCode === country.code).sort((a, b) => a.name.localeCompare(b.name)) : [];
  return html`${wrap(errors, 'country', html`<label for="country">Country</label><select id="country" name="country"><option value="">Choose a country</option>${places.countries.map(
    (co) => html`<option value="${co.slug}"${co.code === country?.code ? html` selected` : null}>${co.name}</option>`,
  )}</select>`)}
${wrap(errors, 'city', html`<label for="city">City</label><select id="city" name="city" required aria-describedby="${describedBy(errors, 'city')}"><option value="">${
    country ? 'Choose a city' : 'Choose a country first'
  }</option>${cities.map((c) => html`<option value="${c.slug}"${c.slug === city?.slug ? html` selected` : null}>${c.name}</option>`)}</select>`)}`;
}

function categorySelect(places: Places, selected: string | undefined): Html {
  return html`${places.topCategories().map(
    (top) => html`<optgroup label="${top.name}">${places
      .childCategories(top.id)
      .map((c) => html`<option value="${c.slug}"${c.slug === selected ? html` selected` : null}>${c.name}</option>`)}</optgroup>`,
  )}`;
}

function categoryFieldInput(f: FieldDef, values: Record<string, string>, errors: Record<string, string>): Html {
  const name = `f_${f.key}`;
  const id = `field-${f.key}`;
  const v = values[name] ?? '';
  const label = html`<label for="${id}">${f.label}${f.unit ? ` (${f.unit})` : ''}${f.required ? '' : html` <span class="hint">(optional)</span>`}</label>`;
  if (f.type === 'boolean') {
    return wrap(errors, name, html`<label class="check" for="${id}"><input type="checkbox" id="${id}" name="${name}" value="true"${v === 'true' || v === 'on' ? html` checked` : null}> ${f.label}</label>`);
  }
  if (f.type === 'select') {
    return wrap(errors, name, html`${label}<select id="${id}" name="${name}" aria-describedby="${describedBy(errors, name)}"><option value="">—</option>${(f.options ?? []).map(
      (o) => html`<option value="${o.value}"${o.value === v ? html` selected` : null}>${o.label}</option>`,
    )}</select>`);
  }
  const numeric = f.type === 'integer' || f.type === 'number';
  return wrap(errors, name, html`${label}<input type="text" id="${id}" name="${name}" value="${v}"${numeric ? html` inputmode="decimal"` : null} aria-describedby="${describedBy(errors, name)}">`);
}

export function adForm(input: AdFormInput): Html {
  const { places, values: v, errors } = input;
  const placed = v.category ? places.categoryBySlug.get(v.category) : undefined;
  const category = v.category ? getCategory(placed ? fieldsCategorySlug(placed, places) : v.category) : undefined;
  const priceLabel = category?.priceLabel ?? 'Price';
  const photos = input.photos ?? [];
  const kept = new Set(input.keptPhotoIds ?? photos.map((p) => p.id));
  return html`<form class="post" method="post" action="${input.action}" enctype="multipart/form-data" novalidate>
<input type="hidden" name="_csrf" value="${input.csrfToken}">
${Object.keys(errors).length > 0 ? html`<div class="notice warn" role="alert" id="form-errors">Please correct the fields marked below. Nothing you typed was lost.${
  errors.form ? html`<br>${errors.form}` : null
}</div>` : null}
<fieldset><legend>Where and what</legend>
${placeInputs(places, v, errors)}
${wrap(errors, 'neighbourhood', html`<label for="neighbourhood">Neighbourhood <span class="hint">(optional)</span></label><input type="text" id="neighbourhood" name="neighbourhood" maxlength="60" value="${v.neighbourhood ?? ''}">`)}
${wrap(errors, 'category', html`<label for="category">Category</label><select id="category" name="category" required aria-describedby="${describedBy(errors, 'category')}"><option value="">Choose a category</option>${categorySelect(places, v.category)}</select>
`)}
<p class="hint">After choosing a country or a category, press “Update the form”: the country's cities and the category's own details (year, bedrooms, pay…) appear.</p>
<button type="submit" name="_action" value="refresh" class="secondary">Update the form</button>
</fieldset>
<fieldset><legend>Your ad</legend>
${wrap(errors, 'title', html`<label for="title">Title</label><input type="text" id="title" name="title" required maxlength="100" value="${v.title ?? ''}" aria-describedby="${describedBy(errors, 'title')}">`)}
${priceLabel === null ? null : wrap(errors, 'price', html`<label for="price">${priceLabel} <span class="hint">(optional; 0 means free)</span></label><input type="text" id="price" name="price" inputmode="decimal" value="${v.price ?? ''}" aria-describedby="${describedBy(errors, 'price')}">`)}
${wrap(errors, 'body', html`<label for="body">Description</label><textarea id="body" name="body" required maxlength="10000" aria-describedby="${describedBy(errors, 'body')}">${v.body ?? ''}</textarea>`)}
${category ? category.fields.map((f) => categoryFieldInput(f, v, errors)) : null}
</fieldset>
<fieldset><legend>Photos</legend>
${photos.length > 0 ? html`<p>Untick a photo to remove it.</p><div class="photo-choices">${photos.map(
  (p, i) => html`<label for="keep-${p.id}">${input.removedPhotoIds?.has(p.id) ? html`<span class="photo-removed">Photo ${i + 1} removed</span>` : html`<img src="${photoUrl(p.storageKey, 'thumb', input.photoBase)}" alt="Photo ${i + 1}">`}<span><input type="checkbox" id="keep-${p.id}" name="keep_photo" value="${p.id}"${kept.has(p.id) ? html` checked` : null}> Keep photo ${i + 1}</span></label>`,
)}</div>` : null}
${wrap(errors, 'photos', html`<label for="photos">Add photos <span class="hint">(up to ${MAX_PHOTOS} in all; JPEG, PNG, WebP or HEIC, 15 MB each)</span></label><input type="file" id="photos" name="photos" accept="image/*" multiple aria-describedby="${describedBy(errors, 'photos')}">
<p class="hint">We remove location and camera data from every photo.${input.mode === 'post' && Object.keys(errors).length > 0 ? ' Photos must be chosen again after an error.' : ''}</p>`)}
</fieldset>
<fieldset><legend>Contact</legend>
${input.mode === 'post' && input.accountEmail
  ? html`<p id="posting-as">Posting as <strong>${input.accountEmail}</strong>: the ad is checked and published without a confirmation mail.</p>`
  : input.mode === 'post'
  ? wrap(errors, 'email', html`<label for="email">Your e-mail</label><input type="email" id="email" name="email" required value="${v.email ?? ''}" autocomplete="email" aria-describedby="${describedBy(errors, 'email')}">
<p class="hint">We send a link to confirm the ad and a private link to edit or delete it. Your address is never shown.</p>`)
  : null}
${wrap(errors, 'contact_mode', html`<p><strong>How may people reach you?</strong></p>
<label class="check" for="contact-relay"><input type="radio" id="contact-relay" name="contact_mode" value="relay"${v.contact_mode !== 'phone' ? html` checked` : null}> Anonymous e-mail relay only</label>
<label class="check" for="contact-phone"><input type="radio" id="contact-phone" name="contact_mode" value="phone"${v.contact_mode === 'phone' ? html` checked` : null}> Relay, and show a phone number</label>`)}
${wrap(errors, 'phone', html`<label for="phone">Phone to show <span class="hint">(if you chose to show one: readers see it only when they press "Show phone number", so it is not in the page for scrapers)</span></label><input type="tel" id="phone" name="phone" value="${v.phone ?? ''}" autocomplete="tel" aria-describedby="${describedBy(errors, 'phone')}">`)}
</fieldset>
<p><button type="submit" name="_action" value="submit">${input.mode === 'post' ? 'Post the ad' : 'Save changes'}</button></p>
</form>`;
}
