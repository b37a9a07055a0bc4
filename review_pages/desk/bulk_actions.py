"""Bulk actions on the desk's checked reviews: publish, schedule, submit for moderation,
unpublish. Each is a Wagtail `BulkAction` registered for `review_pages.ReviewPage` with the
`register_bulk_action` hook (in `wagtail_hooks`), so it is served at Wagtail's own bulk-action
URL (`<admin>/bulk/review_pages/reviewpage/<action>/`), with Wagtail's confirmation page and
its `before_bulk_action`/`after_bulk_action` hooks.

Each review gets a plan first, from Wagtail's page permission policy
(`page.permissions_for_user`), its locks and its workflow, and the same publishing rules
as the editor (`rules.body_publication_problems`, an expiry after the go-live): the
confirmation page lists what will happen to each review and why any is left out, and
afterwards one message per outcome names every review it concerns. A user who may not
publish a review under a workflow submits it to that workflow instead, as Wagtail's editor
offers only "Submit for moderation" to such a user; without a workflow, the review is refused.
The work itself is Wagtail's: `Revision.publish` (publishing, or scheduling when the revision
carries a go-live time), `Page.unpublish`, `Workflow.start` / `WorkflowState.resume`, each
logged in the page's history with the user. Each review is done in its own savepoint, so one
that fails is reported and leaves the others done.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.admin import messages
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.locks import BasicLock
from wagtail.models import WorkflowState
from wagtail.utils.timestamps import render_timestamp

from ..models import ReviewPage
from ..rules import body_publication_problems
from .state import with_desk_state, with_workflow_states

ACT, SKIP, REFUSE = "act", "skip", "refuse"


@dataclass
class Plan:
    """What a bulk action will do to one review (`kind` ACT), or why it leaves it alone:
    nothing to do (SKIP) or not allowed (REFUSE)."""

    kind: str
    note: str
    step: str = ""  # for ACT: the method of the action that does it


def review_name(review) -> str:
    return f"‘{review.film_title or review.title}’"


def latest_content(review):
    """The review as its latest revision has it (what publishing would make live); read
    once per review and kept on it."""
    if not hasattr(review, "_desk_latest_content"):
        revision = review.latest_revision
        review._desk_latest_content = revision.as_object() if revision is not None else review
    return review._desk_latest_content


def lock_problem(review, user) -> str | None:
    """A lock that keeps this user from changing the review: another user's lock, or a
    workflow task that only its reviewers may act on. (A schedule's own lock is what
    publishing or scheduling again replaces.)"""
    if review.locked and BasicLock(review).for_user(user):
        who = get_user_display_name(review.locked_by) if review.locked_by else "another user"
        return f"it is locked by {who}"
    task = review.current_workflow_task
    if task is not None and task.locked_for_user(review, user):
        return f"it is in moderation (“{task.name}”): only its reviewers may change it now"
    return None


def content_problems(content, go_live: datetime.datetime | None = None) -> list[str]:
    """Why this content cannot go live (at `go_live`, or now): the editor's publishing rules."""
    problems = body_publication_problems([block["type"] for block in content.body.raw_data])
    start = go_live or timezone.now()
    if content.expire_at is not None and content.expire_at <= start:
        problems.append(
            f"Its expiry time ({render_timestamp(content.expire_at)}) is not after its "
            "go-live: change or clear it in the editor."
        )
    return problems


def save_page_revision(review, content, user):
    """A new revision of `content` (the review as a revision has it, changed), as the editor
    saves one: with the page's own live revision (a revision keeps the one of its time,
    and publishing a revision without one takes a live review offline until its go-live)."""
    content.live_revision_id = review.live_revision_id
    return content.save_revision(user=user, log_action=True, clean=False)


class GoLiveForm(forms.Form):
    go_live_at = forms.DateTimeField(
        label="Go live at",
        widget=AdminDateTimeInput,
        help_text="The reviews go live at this time (your time zone), to the second.",
    )

    def clean_go_live_at(self):
        value = self.cleaned_data["go_live_at"]
        if value <= timezone.now():
            raise ValidationError("Choose a time in the future.")
        return value


class ReviewBulkAction(BulkAction):
    """What the desk's bulk actions share: the reviews read with their state in a fixed
    number of queries, a plan per review, and a report per review."""

    models = [ReviewPage]
    template_name = "review_pages/admin/bulk_action_confirm.html"
    form_class = forms.Form

    #: The words of this action: the confirmation's question and button, the report's verb.
    question = ""
    confirm_label = ""

    def __init__(self, request, model):
        super().__init__(request, model)
        self.plans: dict[int, Plan] | None = None
        self.report: list[tuple[str, str, ReviewPage]] = []  # (level, outcome, review)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = {int(value) for value in object_ids if str(value).isdigit()}
        reviews = with_desk_state(ReviewPage.objects.filter(pk__in=ids))
        reviews = with_workflow_states(reviews.select_related("latest_revision", "locked_by"))
        return list(reviews.order_by("film_title", "pk"))

    def go_live(self) -> datetime.datetime | None:
        """The go-live time chosen in the form (the schedule action's), once it is valid."""
        form = self.cleaned_form
        return form.cleaned_data.get("go_live_at") if form is not None else None

    def get_actionable_objects(self):
        reviews = self.get_queryset(self.model, self.request.GET.getlist("id"))
        self.plans = {review.pk: self.plan(review) for review in reviews}
        actionable = [review for review in reviews if self.plans[review.pk].kind == ACT]
        left = [review for review in reviews if self.plans[review.pk].kind != ACT]
        return actionable, {"items_with_no_access": left}

    def plan(self, review) -> Plan:
        raise NotImplementedError

    def object_context(self, obj):
        return {"item": obj, "plan": self.plans[obj.pk]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items_with_no_access"] = [
            self.object_context(review) for review in context["items_with_no_access"]
        ]
        context["action"] = self
        return context

    def prepare_action(self, objects, objects_without_access):
        for review in objects_without_access["items_with_no_access"]:
            plan = self.plans[review.pk]
            self.report.append((REFUSE if plan.kind == REFUSE else SKIP, plan.note, review))

    def execute_action(self, objects, **kwargs):
        done = 0
        for review in objects:
            plan = self.plans[review.pk]
            try:
                with transaction.atomic():
                    outcome = getattr(self, plan.step)(review)
            except (ValidationError, PermissionDenied) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                self.report.append((REFUSE, f"not done: {reason}", review))
            else:
                self.report.append((ACT, outcome, review))
                done += 1
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        """One message per outcome, naming every review it concerns (refusals included)."""
        by_outcome: dict[tuple[str, str], list[ReviewPage]] = {}
        for level, outcome, review in self.report:
            by_outcome.setdefault((level, outcome), []).append(review)
        say = {ACT: messages.success, SKIP: messages.info, REFUSE: messages.error}
        for (level, outcome), reviews in by_outcome.items():
            names = ", ".join(review_name(review) for review in reviews)
            say[level](self.request, f"{outcome[:1].upper()}{outcome[1:]}: {names}.")
        return None

    # The steps, shared by the actions.

    def publish_now(self, review) -> str:
        user = self.request.user
        revision = review.latest_revision or review.save_revision(user=user, log_action=True)
        content = revision.as_object()
        brought_forward = content.go_live_at is not None and content.go_live_at > timezone.now()
        if brought_forward:
            # "Publish" on the desk means now: the go-live the revision carries (which
            # Wagtail would otherwise schedule it for) is cleared in a new revision.
            content.go_live_at = None
            revision = save_page_revision(review, content, user)
        revision.publish(user=user, skip_permission_checks=True)
        return "published now, its go-live brought forward" if brought_forward else "published"

    def schedule(self, review) -> str:
        revision = self._revision_going_live_at(review, self.go_live())
        revision.publish(user=self.request.user, skip_permission_checks=True)
        return f"scheduled to go live at {render_timestamp(self.go_live())}"

    def submit(self, review) -> str:
        user = self.request.user
        go_live = self.go_live()
        if go_live is not None:
            review.latest_revision = self._revision_going_live_at(review, go_live)
        elif review.latest_revision is None:
            review.latest_revision = review.save_revision(user=user, log_action=True)
        state = review.current_workflow_state
        workflow = review.get_workflow()
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
            workflow = state.workflow
        else:
            workflow.start(review, user)
        outcome = f"submitted to the workflow “{workflow.name}”"
        if go_live is not None:
            outcome += f", to go live at {render_timestamp(go_live)} once approved"
        return outcome

    def unpublish(self, review) -> str:
        review.unpublish(user=self.request.user)
        return "unpublished"

    def _revision_going_live_at(self, review, go_live):
        content = latest_content(review)
        content.go_live_at = go_live
        return save_page_revision(review, content, self.request.user)

    # The plans, shared by the actions.

    def plan_publishing(self, review, *, go_live=None, step: str, will: str) -> Plan:
        """Publish (or schedule) as a publisher may; as one who may not, submit to the
        review's workflow, as Wagtail's editor offers; without a workflow, refuse."""
        user = self.request.user
        perms = review.permissions_for_user(user)
        if perms.can_publish():
            problem = lock_problem(review, user)
            if problem:
                return Plan(REFUSE, f"not {will}: {problem}")
            problems = content_problems(latest_content(review), go_live)
            if problems:
                return Plan(REFUSE, f"not {will}: {' '.join(problems)}")
            return Plan(ACT, self.publishing_note(review, go_live), step)
        workflow = review.get_workflow() if perms.can_edit() else None
        if workflow is None:
            return Plan(REFUSE, f"not {will}: you may not publish this review")
        return self.plan_submission(
            review, perms, workflow, go_live=go_live, why=" (you may not publish it)"
        )

    def publishing_note(self, review, go_live) -> str:
        raise NotImplementedError

    def plan_submission(self, review, perms, workflow, *, go_live=None, why="") -> Plan:
        if review.workflow_in_progress:
            return Plan(SKIP, f"left as it was: already in moderation{why}")
        if review.approved_schedule:
            when = render_timestamp(review.desk_scheduled_at)
            return Plan(
                REFUSE,
                f"not submitted: it is scheduled to go live at {when}; "
                "a publisher may cancel or change that",
            )
        problem = lock_problem(review, self.request.user)
        if problem or not perms.can_submit_for_moderation():
            return Plan(REFUSE, f"not submitted: {problem or 'it is locked'}")
        problems = content_problems(latest_content(review), go_live)
        if problems:
            return Plan(REFUSE, f"not submitted: {' '.join(problems)}")
        note = f"will be submitted to the workflow “{workflow.name}” for approval{why}"
        return Plan(ACT, note, "submit")


class PublishReviews(ReviewBulkAction):
    display_name = "Publish"
    action_type = "publish"
    aria_label = "Publish the selected reviews"
    action_priority = 10
    question = "Publish these reviews now?"
    confirm_label = "Yes, publish"

    def plan(self, review) -> Plan:
        if review.desk_status == "live":
            return Plan(SKIP, "left as it was: already live, with nothing new to publish")
        return self.plan_publishing(review, step="publish_now", will="published")

    def publishing_note(self, review, go_live) -> str:
        content = latest_content(review)
        if content.go_live_at is not None and content.go_live_at > timezone.now():
            return (
                "will be published now (its go-live at "
                f"{render_timestamp(content.go_live_at)} is brought forward)"
            )
        return "will be published now"


class ScheduleReviews(ReviewBulkAction):
    display_name = "Schedule"
    action_type = "schedule"
    aria_label = "Schedule the selected reviews to go live"
    action_priority = 20
    form_class = GoLiveForm
    question = "Schedule these reviews to go live at a time?"
    confirm_label = "Schedule"

    def plan(self, review) -> Plan:
        return self.plan_publishing(
            review, go_live=self.go_live(), step="schedule", will="scheduled"
        )

    def publishing_note(self, review, go_live) -> str:
        if go_live is None:
            return "will be scheduled to go live at the time you choose below"
        return f"will be scheduled to go live at {render_timestamp(go_live)}"


class SubmitReviews(ReviewBulkAction):
    display_name = "Submit for moderation"
    action_type = "submit"
    aria_label = "Submit the selected reviews for moderation"
    action_priority = 30
    question = "Submit these reviews for moderation?"
    confirm_label = "Yes, submit"

    def plan(self, review) -> Plan:
        perms = review.permissions_for_user(self.request.user)
        if not perms.can_edit():
            return Plan(REFUSE, "not submitted: you may not edit this review")
        workflow = review.get_workflow()
        if workflow is None:
            return Plan(REFUSE, "not submitted: no workflow applies to this review")
        return self.plan_submission(review, perms, workflow)


class UnpublishReviews(ReviewBulkAction):
    display_name = "Unpublish"
    action_type = "unpublish"
    aria_label = "Unpublish the selected reviews"
    action_priority = 40
    question = "Unpublish these reviews? Readers will no longer see them."
    confirm_label = "Yes, unpublish"

    def plan(self, review) -> Plan:
        if not review.live:
            return Plan(SKIP, "left as it was: not live")
        user = self.request.user
        perms = review.permissions_for_user(user)
        if perms.can_unpublish():
            return Plan(ACT, "will be unpublished", "unpublish")
        if not perms.can_publish():
            return Plan(REFUSE, "not unpublished: you may not unpublish this review")
        if review.approved_schedule:
            when = render_timestamp(review.desk_scheduled_at)
            return Plan(
                REFUSE,
                f"not unpublished: a new version is scheduled to go live at {when}; "
                "cancel that in the editor first",
            )
        return Plan(REFUSE, f"not unpublished: {lock_problem(review, user) or 'it is locked'}")


BULK_ACTIONS = [PublishReviews, ScheduleReviews, SubmitReviews, UnpublishReviews]
