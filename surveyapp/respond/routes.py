from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, g, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Invitation, InvitationStatus, QuestionnaireDraft, ResponseStatus, SurveyResponse
from surveyapp.questionnaire import routing
from surveyapp.questionnaire.model import Item, QuestionnaireVersion, Section
from surveyapp.questionnaire.question_types import question_type
from surveyapp.respond import client_logic, drafts, flow, navigation
from surveyapp.respond.consent import skip_rule
from surveyapp.respond.locks import claim_invitation, locked_response
from surveyapp.services import fieldwork_state
from surveyapp.services.draft_tests import DraftVersion, domain_of_draft, draft_for_token, draft_version
from surveyapp.services.secrets import digest, format_resume_code, normalise_resume_code
from surveyapp.services.versions import PublishedVersion, cached_domain, domain_of, published_version
from surveyapp.services.withdrawal import withdraw

bp = Blueprint("respond", __name__)


@bp.app_context_processor
def respondent_helpers() -> dict[str, Any]:
    def url_with_language(code: str) -> str:
        # Keep the link's other parameters (e.g. the service unit of a QR code) when switching language.
        args = request.args.to_dict() | {"lang": code}
        return request.path + "?" + urlencode(args)

    def field_value(item: Item, draft: drafts.Draft | None, answers: Mapping[str, Any]) -> Any:
        # A page that came back (an error, a language switch) shows what was typed, which may not parse, for
        # every field that was on it when sent; otherwise the stored answer.
        typed = question_type(item).redisplay(item, draft.form) if draft and draft.covers(item.code) else None
        return answers.get(item.code) if typed is None else typed

    return {"url_with_language": url_with_language, "question_type": question_type, "field_value": field_value}


def _language(domain: QuestionnaireVersion | None = None) -> str:
    """The respondent's language for this request, which also drives the interface strings."""
    languages = [lang for lang in (domain.languages if domain else flow.RESPONDENT_LANGUAGES)]
    allowed = [lang for lang in flow.RESPONDENT_LANGUAGES if lang in languages] or list(flow.RESPONDENT_LANGUAGES)
    asked = request.values.get("lang")
    # English texts are researchers' summaries, so a respondent asking for English (or anything else not
    # offered) gets kk/ru and a notice saying so, rather than a silent switch.
    g.language_unavailable = asked is not None and asked not in allowed
    lang = asked or request.cookies.get("lang")
    if lang not in allowed:
        best = request.accept_languages.best_match(allowed)
        lang = best or allowed[0]
    g.respondent_language = lang
    return lang


def _consent_page(version: PublishedVersion | DraftVersion, invitation: Invitation | None) -> ResponseReturnValue:
    domain = version.domain
    g.test_response = isinstance(version, DraftVersion)
    # Checked on the consent page's GET (from memory, up to a few seconds old) and on "agree" (from the
    # database): closing between the two starts nothing.
    if isinstance(version, PublishedVersion) and fieldwork_state.is_closed(version.id, request.method == "POST"):
        return render_template("respond/closed.html", domain=domain, lang=_language(domain)), 403
    lang = _language(domain)
    error = None
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "decline":
            if invitation is not None:
                if not claim_invitation(invitation, InvitationStatus.DECLINED):
                    return _link_used(domain)
                db.session.commit()
            return render_template("respond/declined.html", domain=domain, lang=lang)
        needs_parent = (
            domain.consent is not None
            and domain.consent.mode == "child_assent"
            and domain.consent.parental_consent == "active"
            and not (invitation and str(invitation.sample.get("parental_consent", "")).lower() in {"1", "yes", "true"})
        )
        if action == "agree" and needs_parent and request.form.get("parent_agreed") != "yes":
            error = _("Please confirm that your parent or guardian has agreed.")
        elif action == "agree":
            if invitation is not None and not claim_invitation(invitation, InvitationStatus.STARTED):
                return _link_used(domain)  # a second click raced the first one, which started the response
            link_params = {k: v for k, v in request.args.items() if k != "lang"}
            started = flow.start(version, lang, request.headers.get("User-Agent", ""), link_params, invitation)
            first = flow.visible(domain, {})[0].code
            db.session.commit()
            return redirect(url_for("respond.page", token=started.token, section=first, new=1))
        else:
            error = _("Choose whether you agree to take part.")
    status = 400 if error else 200
    page = render_template(
        "respond/start.html", domain=domain, lang=lang, error=error, invitation=invitation, skip=skip_rule(domain, lang)
    )
    return page, status


@bp.route("/q/<instrument>/<version>", methods=["GET", "POST"])
def open_link(instrument: str, version: str) -> ResponseReturnValue:
    # No query here: the consent page is the most visited page of all, and a published version never changes.
    found = published_version(instrument, version)
    if found is None:
        abort(404)
    return _consent_page(found, None)


@bp.route("/t/<token>", methods=["GET", "POST"])
def test_link(token: str) -> ResponseReturnValue:
    """A draft's test link: the respondent's pages of the draft; what is answered is a test response."""
    draft = draft_for_token(token)
    if draft is None:
        abort(404)
    version = draft_version(draft)
    if version is None:
        return _draft_unusable()
    return _consent_page(version, None)


def _draft_unusable() -> Response:
    g.test_response = True
    return make_response(render_template("respond/test_unusable.html", domain=None, lang=_language()), 409)


def domain_of_response(response: SurveyResponse) -> QuestionnaireVersion | None:
    """The questionnaire a response answers: its published version, or for a test response its draft as it is
    now (None once the draft has errors)."""
    if response.version_id is not None and response.version is not None:
        return cached_domain(response.version_sha256) or domain_of(response.version)
    draft = db.session.get(QuestionnaireDraft, response.draft_id) if response.draft_id is not None else None
    g.test_response = True
    return domain_of_draft(draft) if draft is not None else None


@bp.route("/i/<token>", methods=["GET", "POST"])
def invitation_link(token: str) -> ResponseReturnValue:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(token)))
    if invitation is None:
        abort(404)
    version = PublishedVersion.of(invitation.version)
    if invitation.status == InvitationStatus.SENT.value:
        return _consent_page(version, invitation)
    if invitation.status == InvitationStatus.SUBMITTED.value:
        return render_template("respond/already_sent.html", domain=version.domain, lang=_language(version.domain))
    if invitation.status == InvitationStatus.STARTED.value:
        return _resume_invited(invitation, version.domain)
    return _link_used(version.domain)


def _resume_invited(invitation: Invitation, domain: QuestionnaireVersion) -> ResponseReturnValue:
    """The invitation link, until its response is sent, reopens that response (in any browser), as the
    resume code does: a fresh page link, the earlier one stops working."""
    # Locked like /resume: a submit racing this must not leave a just-submitted response open to a new link.
    where = SurveyResponse.invitation_id == invitation.id
    response = locked_response(where, "invitation_id", str(invitation.id))
    if response is None or response.status == ResponseStatus.SUBMITTED.value:
        # The submit that cleared the response's invitation has committed since the invitation was read.
        return render_template("respond/already_sent.html", domain=domain, lang=_language(domain))
    if flow.is_expired(response):
        return render_template("respond/expired.html", domain=domain, lang=_language(domain)), 410
    token = flow.resume(response)
    db.session.commit()
    return redirect(url_for("respond.page", token=token, section=response.current_section, resumed=1))


def _link_used(domain: QuestionnaireVersion) -> ResponseReturnValue:
    lang = _language(domain)
    return render_template("respond/link_used.html", domain=domain, lang=lang), 410


def _response_for(token: str, lock: bool = False) -> tuple[SurveyResponse, QuestionnaireVersion]:
    token_hash = digest(token)
    where = SurveyResponse.access_token_hash == token_hash
    if lock:
        # Every request that may write the response holds its row until it commits; the status checks
        # that follow then see what a concurrent request (the final submit) has committed.
        response = locked_response(where, "access_token_hash", token_hash)
    else:
        response = db.session.scalar(select(SurveyResponse).where(where))
    if response is None:
        abort(404)
    # The response carries the sha256 of its version: once parsed, the version needs no query of its own.
    if response.version_id is not None and (hit := cached_domain(response.version_sha256)) is not None:
        return response, hit
    domain = domain_of_response(response)
    if domain is None:
        abort(_draft_unusable())
    return response, domain


@bp.get("/s/<token>")
def current(token: str) -> ResponseReturnValue:
    response, _domain = _response_for(token)
    return redirect(url_for("respond.page", token=token, section=response.current_section))


@bp.route("/s/<token>/p/<section>", methods=["GET", "POST"])
def page(token: str, section: str) -> ResponseReturnValue:
    response, domain = _response_for(token, lock=True)
    if response.status == ResponseStatus.SUBMITTED.value:
        return redirect(url_for("respond.done", token=token))
    if flow.is_expired(response):
        return render_template("respond/expired.html", domain=domain, lang=_language(domain)), 410
    current_section = _section_or_404(domain, section)
    lang = _page_language(response, domain)
    elsewhere = navigation.misplaced(domain, response, section)
    if elsewhere is not None:
        return redirect(url_for("respond.page", token=token, section=elsewhere))
    if request.method == "POST":
        form = {key: request.form.getlist(key) for key in request.form if key not in {"action", "csrf_token", "shown"}}
        shown = set(request.form["shown"].split()) if "shown" in request.form else None
        step = navigation.act(response, domain, current_section, form, request.form.get("action", "next"), shown, lang)
        db.session.commit()
        if step.done:
            return redirect(url_for("respond.done", token=token))
        return redirect(url_for("respond.page", token=token, section=step.section, **step.params))
    flow.note_page_view(response, section)
    state = navigation.page_state(response, domain, current_section, lang, bool(request.args.get("incomplete")))
    # The page is rendered before the commit: after it the response's attributes would be expired and read
    # back in a new transaction (three more round trips to the database for the same values).
    html = render_template("respond/page.html", **_page_context(token, response, domain, current_section, lang, state))
    db.session.commit()
    return html, state.status


def _section_or_404(domain: QuestionnaireVersion, code: str) -> Section:
    try:
        return domain.section(code)
    except KeyError:
        abort(404)


def _page_context(
    token: str,
    response: SurveyResponse,
    domain: QuestionnaireVersion,
    section: Section,
    lang: str,
    state: navigation.PageState,
) -> dict[str, Any]:
    codes = [s.code for s in flow.visible(domain, response.answers)]
    page_codes = {item.code for item in section.items}
    position = codes.index(section.code) + 1 if section.code in codes else 1
    return {
        "response": response,
        "domain": domain,
        "section": section,
        "items": routing.relevant_items(domain, response.answers, section.code, lang),
        "answers": response.answers,
        "draft": state.draft,
        "errors": state.errors,
        "lang": lang,
        "token": token,
        "position": position,
        "total": len(codes),
        "is_last": position == len(codes),
        "resume_code": format_resume_code(response.resume_code or ""),
        "first_view": bool(request.args.get("new") or request.args.get("resumed")),
        "new_questions": state.new_questions,
        "new_codes": state.new_codes,
        "incomplete": state.incomplete,
        "logic": client_logic.page_logic_json(domain, section, response.answers, lang),
        "choices_for": lambda item: flow.choices_for(item, response.answers, page_codes),
        "instances": flow.repeat_view(domain, response.answers, section, state.draft, state.errors),
        "error_label": lambda code: flow.error_label(domain, code, lang),
        "choice_groups": lambda item, choices: flow.choice_groups(domain, item, choices, lang),
    }


def _page_language(response: SurveyResponse, domain: QuestionnaireVersion) -> str:
    requested = request.args.get("lang")
    g.language_unavailable = requested is not None and not (
        requested in flow.RESPONDENT_LANGUAGES and requested in domain.languages
    )
    if requested in flow.RESPONDENT_LANGUAGES and requested in domain.languages and requested != response.language:
        response.language = requested
    g.respondent_language = response.language
    return response.language


@bp.get("/s/<token>/done")
def done(token: str) -> ResponseReturnValue:
    response, domain = _response_for(token)
    if response.status != ResponseStatus.SUBMITTED.value:
        return redirect(url_for("respond.current", token=token))
    g.respondent_language = response.language
    closing = flow.closing_section(domain)
    return render_template("respond/done.html", domain=domain, lang=response.language, closing=closing)


@bp.route("/resume", methods=["GET", "POST"])
def resume() -> ResponseReturnValue:
    lang = _language()
    error = None
    if request.method == "POST":
        code = normalise_resume_code(request.form.get("code", ""))
        # Locked: a submit racing this must not leave a just-submitted response open to a new link.
        response = locked_response(SurveyResponse.resume_code == code, "resume_code", code) if code else None
        pupil = request.values.get("pupil") == "1"
        if response is None:
            error = (
                pgettext("pupil", "This code is not known. Check it and try again: it has 8 letters and digits.")
                if pupil
                else _("This code is not known. Check it and try again: it has 8 letters and digits.")
            )
        elif response.status == ResponseStatus.SUBMITTED.value:
            domain = domain_of_response(response)
            return render_template("respond/already_sent.html", domain=domain, lang=lang, code=format_resume_code(code))
        elif flow.is_expired(response):
            domain = domain_of_response(response)
            return render_template("respond/expired.html", domain=domain, lang=lang), 410
        else:
            token = flow.resume(response)
            db.session.commit()
            return redirect(url_for("respond.page", token=token, section=response.current_section, resumed=1))
    return render_template("respond/resume.html", lang=lang, error=error), (400 if error else 200)


@bp.post("/withdraw")
def withdraw_response() -> ResponseReturnValue:
    """Two steps: the first POST (from the "already sent" page) asks to confirm; the second erases."""
    lang = _language()
    code = normalise_resume_code(request.form.get("code", ""))
    response = locked_response(SurveyResponse.resume_code == code, "resume_code", code) if code else None
    if response is None or response.status != ResponseStatus.SUBMITTED.value:
        # Already withdrawn (a double click), or a code typed by hand: nothing to withdraw.
        error = _("This code is not known. Check it and try again: it has 8 letters and digits.")
        return render_template("respond/resume.html", lang=lang, error=error), 400
    domain = domain_of_response(response)
    if request.form.get("confirm") != "yes":
        db.session.rollback()  # release the row lock: nothing changes before the confirmation
        return render_template("respond/withdraw_confirm.html", domain=domain, lang=lang, code=format_resume_code(code))
    withdraw(response)
    db.session.commit()
    return render_template("respond/withdrawn.html", domain=domain, lang=lang)
