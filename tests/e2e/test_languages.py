"""Issue 15: bilingual coalitions. Each person reads signon in their own language (their Slack locale, or the one
they choose), and a letter can be in two languages on one list of signatories."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select

from db.models import ChannelPost, Letter
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    db_session,
    home_view_of,
    letter_text,
    letter_values,
    local_deadline,
    message_text,
    open_new_letter,
    open_signon_from_post,
    post_of,
    reply,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
    wait_for_receipts,
)
from tests.e2e.test_export import exported_files
from tests.e2e.test_reminders import make_due, wait_for_run
from tests.fakeslack import FakeSlack

SPANISH_TITLE = "Protejamos el debido proceso ya"
SPANISH_TEXT = (
    "Estimados líderes del Senado:\n\nNuestra coalición de organizaciones de inmigrantes, de derechos civiles, de "
    "fe y sindicales les escribe para pedirles que rechacen cualquier propuesta que amplíe la detención.\n\n"
    "Atentamente,"
)


def spanish_member(fake: FakeSlack, coalition: Coalition, name: str, locale: str = "es-ES") -> str:
    user = fake.add_user(
        name=name, real_name=name.title(), email=f"{name}@comunidades.org", title="Directora", locale=locale
    )["id"]
    fake.add_members(coalition.public, user)
    return user


def shown(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def dms_with(fake: FakeSlack, user: str, text: str) -> list[dict[str, Any]]:
    return [m for m in fake.dm_messages(user) if text in message_text(m)]


def test_a_spanish_reader_gets_spanish_and_an_english_reader_english(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    lucia = spanish_member(fake, coalition, "lucia")
    mateo = spanish_member(fake, coalition, "mateo", locale="es-LA")
    english = coalition.members[1]
    letter_id = create_letter(app, coalition, reminders="72h")

    # The modal: labels, buttons, and a note that this letter has no Spanish text yet.
    modal = open_signon_from_post(app, lucia, letter_id, coalition.public)
    assert modal["title"]["text"] == "Firmar" and modal["submit"]["text"] == "Firmar"
    assert modal["close"]["text"] == "Cancelar"
    for words in ("Nombre de la organización", "Correo electrónico", "Tengo autorización", "Organización de fe"):
        assert words in shown(modal)
    assert "Esta carta no tiene versión en español; este es su texto en inglés." in shown(modal)
    assert "Protect Due Process Now" in shown(modal)  # the letter's own words are never translated

    # Inline errors, with the same checks as in English.
    response = app.driver.submit_view(lucia, values=signon_values("¡¡¡ !!!", email="ana-at-mujeres"))
    assert response.errors == {
        "email": "Eso no parece una dirección de correo electrónico (nombre@ejemplo.org).",
        "org": "El nombre de la organización necesita al menos una letra o un número.",
    }
    response = app.driver.submit_view(lucia, values=signon_values("Mujeres Latinas en Acción", email="ana@mla.org"))
    assert response.ok and not response.errors
    confirmed = fake.top_view(lucia)
    assert confirmed is not None and confirmed["title"]["text"] == "Firma registrada"
    assert "¡Gracias!" in shown(confirmed) and "Mujeres Latinas en Acción" in shown(confirmed)

    # An English reader on the same letter: English throughout.
    english_modal = open_signon_from_post(app, english, letter_id, coalition.public)
    assert english_modal["title"]["text"] == "Sign on" and "no Spanish" not in shown(english_modal)
    assert app.driver.submit_view(english, values=signon_values("Alianza Americas", email="a@alianza.org")).ok

    # The receipt: Spanish words around the organization's own spelling.
    wait_for_receipts(app, letter_id)
    [receipt] = dms_with(fake, lucia, "Firmaste")
    text = message_text(receipt)
    assert "Mujeres Latinas en Acción" in text and "Editar" in text and "Retirar" in text
    assert "Tipo de organización" not in text  # not given, not shown
    assert "You signed on" in message_text(dms_with(fake, english, "Alianza Americas")[-1])

    # A reminder, to someone who has not signed, in their language (es-LA is Spanish too).
    make_due(app.database_url, letter_id, "72h")
    wait_for_run(app.database_url, letter_id)
    reminder = fake.wait_until(lambda: dms_with(fake, mateo, "Recordatorio"), timeout=10)[-1]
    for words in ("Cierre de firmas", "Firmar", "Leer la carta", "No recibir más recordatorios", "<!date^"):
        assert words in message_text(reminder)
    assert "{date_long_pretty}, {time}" in message_text(reminder)
    assert any("Reminder:" in message_text(m) for m in fake.dm_messages(coalition.members[2]))

    # App Home.
    home = home_view_of(app, lucia)
    assert home["blocks"][0]["text"]["text"] == "Cartas colectivas"
    assert "Tu organización firmó" in shown(home) and "Firmada en nombre de Mujeres Latinas en Acción" in shown(home)
    selector = next(b for b in home["blocks"] if b.get("block_id") == "home_language")
    assert selector["accessory"]["initial_option"]["value"] == "auto"
    assert [o["text"]["text"] for o in selector["accessory"]["options"]] == [
        "Automático (el idioma de tu Slack)",
        "English",
        "Español",
    ]
    assert "Sign-on letters" in shown(home_view_of(app, english))


def test_a_person_chooses_their_language(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    member = coalition.members[0]  # en-US in Slack
    lucia = spanish_member(fake, coalition, "lucia")
    channel = coalition.public
    # Someone signon has never seen: their very first answer is already in their Slack language.
    newcomer = spanish_member(fake, coalition, "nueva", locale="es-LA")
    assert "Firmar una carta de la coalición" in reply(app.driver.slash_command(newcomer, "/signon", "help"))

    chosen = app.driver.slash_command(member, "/signon", "language es", channel_id=channel)
    assert "A partir de ahora, signon te habla en español." in reply(chosen)
    assert "Firmar una carta de la coalición" in reply(app.driver.slash_command(member, "/signon", "help"))
    assert "`/signon language es|en|auto`" in reply(app.driver.slash_command(member, "/signon", "ayuda"))
    current = app.driver.slash_command(member, "/signon", "idioma", channel_id=channel)
    assert "signon te habla en español, como elegiste." in reply(current)
    unknown = app.driver.slash_command(member, "/signon", "language klingon", channel_id=channel)
    assert "signon no habla “klingon”" in reply(unknown)

    # The Home tab follows, and its selector changes the language back.
    home = fake.wait_until(lambda: (v := fake.home_view(member)) and "Cartas colectivas" in shown(v) and v)
    selector = next(b for b in home["blocks"] if b.get("block_id") == "home_language")
    assert selector["accessory"]["initial_option"]["value"] == "es"
    before = len(fake.calls("views.publish"))
    assert app.driver.click(member, "choose_language", "en", view_id=home["id"]).ok
    fake.wait_until(lambda: len(fake.calls("views.publish")) > before)
    assert "Sign-on letters" in shown(fake.home_view(member))
    assert "speaks to you in English, as you chose" in reply(app.driver.slash_command(member, "/signon", "language"))

    # A Spanish reader who picked English goes back to Slack's language with auto.
    assert "From now on" in reply(app.driver.slash_command(lucia, "/signon", "language en"))
    back = app.driver.slash_command(lucia, "/signon", "language auto", channel_id=channel)
    assert "signon vuelve a seguir el idioma de tu Slack: español." in reply(back)


def create_bilingual_letter(app: RunningApp, coalition: Coalition) -> int:
    open_new_letter(app, coalition.coordinator, coalition.public)
    modal = app.fake.top_view(coalition.coordinator)
    assert modal is not None and "Idioma de la carta" not in shown(modal) and "Language of the letter" in shown(modal)
    values = letter_values(
        title="Protect Due Process Now", text=letter_text(2000), deadline=local_deadline(), channels=[coalition.public]
    )
    values["letter_language"] = {"letter_language": "en"}
    values["translation_title"] = {"translation_title": SPANISH_TITLE}
    values["translation_text_1"] = {"translation_text": SPANISH_TEXT}
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert response.ok and not response.errors, response.errors
    with db_session(app.database_url) as session:
        letter_id = session.execute(select(Letter.id).order_by(Letter.id.desc())).scalars().first()
    assert letter_id is not None

    def posted() -> bool:
        with db_session(app.database_url) as session:
            states = session.execute(select(ChannelPost.status).where(ChannelPost.letter_id == letter_id)).scalars()
            return list(states) == ["posted"]

    app.fake.wait_until(posted, timeout=10)
    return letter_id


def test_a_bilingual_letter_has_one_list(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    lucia = spanish_member(fake, coalition, "lucia")
    english = coalition.members[1]
    letter_id = create_bilingual_letter(app, coalition)
    channel, ts = post_of(app, letter_id, coalition.public)
    post = fake.message(channel, ts)
    assert post is not None
    assert "Protect Due Process Now" in message_text(post) and "Leer en español" in message_text(post)

    # The post's button opens the Spanish text, for anyone.
    assert app.driver.click(english, "read_in_language", message=(channel, ts)).ok
    read = wait_for_modal(fake, english, "letter_read")
    assert read["blocks"][0]["text"]["text"] == SPANISH_TITLE and "rechacen cualquier propuesta" in shown(read)
    assert "Read in English" in shown(read)
    # A Spanish reader opening the sign-on form sees the Spanish title, without the note.
    modal = open_signon_from_post(app, lucia, letter_id, coalition.public)
    assert SPANISH_TITLE in shown(modal) and "no tiene versión" not in shown(modal)
    assert app.driver.submit_view(lucia, values=signon_values("Comunidades Unidas en una Voz", email="l@cuv.org")).ok
    assert SPANISH_TITLE in shown(fake.top_view(lucia))
    assert sign_on(app, english, letter_id, coalition.public, "Alianza Americas", email="a@alianza.org").ok

    # One count for both texts, on the post too.
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == [
        "Comunidades Unidas en una Voz",
        "Alianza Americas",
    ]
    fake.wait_until(lambda: "2 organizations" in message_text(fake.message(channel, ts) or {}), timeout=10)
    wait_for_receipts(app, letter_id)
    assert dms_with(fake, lucia, SPANISH_TITLE) and dms_with(fake, english, "Protect Due Process Now")

    # The export in either language: the same names; the words around them in the language asked for.
    coordinator = coalition.coordinator
    app.driver.slash_command(coordinator, "/signon", f"export {letter_id} es", channel_id=channel)
    first = exported_files(fake, 4)  # the .txt, the CSV, the DOCX and the PDF
    app.driver.slash_command(coordinator, "/signon", f"export {letter_id} en", channel_id=channel)
    both = exported_files(fake, 8)
    spanish_txt = first[f"letter-{letter_id}-export-1-signatories.txt"]
    english_txt = both[f"letter-{letter_id}-export-2-signatories.txt"]
    assert spanish_txt == english_txt == b"Alianza Americas\nComunidades Unidas en una Voz\n"
    spanish_csv = list(csv.reader(io.StringIO(first[f"letter-{letter_id}-export-1.csv"].decode().lstrip("\ufeff"))))
    english_csv = list(csv.reader(io.StringIO(both[f"letter-{letter_id}-export-2.csv"].decode().lstrip("\ufeff"))))
    assert spanish_csv[0][:3] == ["organización", "nombre de quien firma", "cargo"]
    assert english_csv[0][:3] == ["organization", "signer name", "title"]
    assert [row[0] for row in spanish_csv[1:]] == [row[0] for row in english_csv[1:]]
    headings = [message_text(m) for m in fake.dm_messages(coordinator) if "#" + str(letter_id) in message_text(m)]
    assert any(f"Organizaciones firmantes: #{letter_id} {SPANISH_TITLE}" in h for h in headings)
    assert any(f"Signatories: #{letter_id} Protect Due Process Now" in h for h in headings)


def test_a_change_to_either_text_asks_every_signer_in_their_language(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    lucia = spanish_member(fake, coalition, "lucia")
    english = coalition.members[1]
    letter_id = create_bilingual_letter(app, coalition)
    assert sign_on(app, lucia, letter_id, coalition.public, "Comunidades Unidas en una Voz", email="l@cuv.org").ok
    assert sign_on(app, english, letter_id, coalition.public, "Alianza Americas", email="a@alianza.org").ok

    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    edit = wait_for_modal(fake, coalition.coordinator, "letter_edit_submit")
    assert "Translation into Spanish" in shown(edit) and SPANISH_TITLE in shown(edit)
    changed = SPANISH_TEXT.replace("amplíe la detención", "separe a las familias")
    values: dict[str, dict[str, Any]] = {
        "translation_text_1": {"translation_text": changed},
        "substantive": {"substantive": ["substantive"]},
    }
    assert app.driver.submit_view(coalition.coordinator, values=values).ok

    spanish_ask = fake.wait_until(lambda: dms_with(fake, lucia, "El equipo de coordinación cambió"), timeout=10)[-1]
    assert SPANISH_TITLE in message_text(spanish_ask) and "separe a las familias" in message_text(spanish_ask)
    assert "Mantener mi firma" in message_text(spanish_ask)
    english_ask = fake.wait_until(lambda: dms_with(fake, english, "The coordinators changed"), timeout=10)[-1]
    assert "*Changes to the Spanish text:*" in message_text(english_ask)
    assert "separe a las familias" in message_text(english_ask)
    summary = fake.wait_until(lambda: dms_with(fake, coalition.coordinator, "Saved the translation into Spanish"))
    assert "2 signers will be asked to confirm again" in message_text(summary[-1])
