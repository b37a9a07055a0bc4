"""The Reviews desk for a busy week: search by every credited name, a status per review with
a filter for each, the go-live column, and bulk actions on checked reviews."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    PageLogEntry,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.utils.timestamps import render_timestamp

from review_pages.models import ReviewPage
from tests.support.factories import complete_body

pytestmark = pytest.mark.django_db

DESK = "review_pages_reviewpage_modeladmin_index"


def desk(client, **params):
    response = client.get(reverse(DESK), params)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> dict[str, str]:
    """Film title -> the row's HTML, for each row of the desk's table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = {}
    for row in body.split("<tr")[1:]:
        title = row.split('title="Edit this review">', 1)[1].split("</a>", 1)[0]
        found[title] = row
    return found


def status_of(html: str, film: str) -> str:
    row = rows(html)[film]
    return row.split('class="field-status title">', 1)[1].split("</td>", 1)[0].strip()


def later(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


# Users and a workflow, as a publication sets them up.


def page_group(name: str, index_page, codenames: list[str]) -> Group:
    group = Group.objects.create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        GroupPagePermission.objects.create(
            group=group, page=index_page, permission=Permission.objects.get(codename=codename)
        )
    return group


@pytest.fixture
def moderators(index_page):
    return page_group("Desk moderators", index_page, ["add_page", "change_page", "publish_page"])


@pytest.fixture
def editors(index_page):
    return page_group("Desk editors", index_page, ["add_page", "change_page"])


@pytest.fixture(autouse=True)
def no_default_workflow(db):
    """Wagtail's migrations put a "Moderators approval" workflow on the root page: each test
    chooses whether its reviews have a workflow (`workflow`)."""
    WorkflowPage.objects.all().delete()


@pytest.fixture
def workflow(index_page, moderators):
    task = GroupApprovalTask.objects.create(name="Moderators approve")
    task.groups.add(moderators)
    flow = Workflow.objects.create(name="Review moderation")
    WorkflowTask.objects.create(workflow=flow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=index_page, workflow=flow)
    return flow


@pytest.fixture
def login(client, django_user_model):
    def log_in(*groups, name="someone"):
        user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw")
        user.groups.add(*groups)
        client.force_login(user)
        return user

    return log_in


# Making reviews in each state, as Wagtail puts them there.


def schedule(review, when):
    review = ReviewPage.objects.get(pk=review.pk)
    review.go_live_at = when
    review.save_revision().publish()
    return review


def expire_now(review):
    ReviewPage.objects.filter(pk=review.pk).update(expire_at=timezone.now())


@pytest.fixture
def every_status(make_review, workflow, django_user_model):
    """One review in each status the desk shows (and the live + scheduled variant)."""
    submitter = django_user_model.objects.create_user("sub", "s@example.com", "pw")
    made = {
        "draft": make_review(film_title="Plain Draft", live=False),
        "live": make_review(film_title="Plain Live"),
        "live-draft": make_review(film_title="Live Changed"),
        "scheduled": make_review(film_title="Soon Showing", live=False),
        "moderation": make_review(film_title="Under Review", live=False),
        "expired": make_review(film_title="Taken Down"),
        "expired-by-time": make_review(film_title="Past Expiry"),
        "live-scheduled": make_review(film_title="Live Rescheduled"),
    }
    ReviewPage.objects.get(pk=made["live-draft"].pk).save_revision()
    schedule(made["scheduled"], later(days=2))
    schedule(made["live-scheduled"], later(days=3))
    moderation = ReviewPage.objects.get(pk=made["moderation"].pk)
    moderation.save_revision(user=submitter)
    workflow.start(moderation, submitter)
    ReviewPage.objects.get(pk=made["expired"].pk).unpublish(set_expired=True)
    expire_now(made["expired-by-time"])
    return made


# Search


@pytest.fixture
def credited(make_review, person_factory, studio_factory):
    """One review with a name in every credit, and one crediting nobody of them."""
    names = {
        "cast": person_factory(name="Zoë Marchetti"),
        "critic": person_factory(name="Priya Anand"),
        "director": person_factory(name="Maren Holt"),
        "writer": person_factory(name="Idris Calloway"),
        "company": studio_factory(name="Harbourlight Pictures"),
        "distributor": studio_factory(name="Neon Yard Films"),
    }
    found = make_review(
        film_title="The Lantern Keeper",
        title="'The Lantern Keeper' Review: A Slow Burn",
        cast=[(names["cast"], "Ada Venn")],
        directors=[names["director"]],
        writers=[names["writer"]],
        companies=[names["company"]],
        author=names["critic"],
        distributor=names["distributor"],
    )
    make_review(film_title="Low Tide", title="'Low Tide' Review: Salt and Silence")
    return found


@pytest.mark.parametrize(
    "query",
    [
        "Marchetti",  # cast
        "Zoë Marchetti",
        "Priya Anand",  # critic
        "Holt",  # director
        "Idris Calloway",  # writer
        "Harbourlight",  # production company
        "Neon Yard",  # distributor
        "Ada Venn",  # the part a cast member plays
        "Lantern",  # film title
        "Slow Burn",  # headline
    ],
)
def test_desk_search_finds_the_review_by_a_credited_name_or_its_titles(
    admin_client, credited, query
):
    html = desk(admin_client, q=query)
    assert list(rows(html)) == ["The Lantern Keeper"]


def test_desk_search_needs_every_word_and_finds_nothing_for_an_unknown_name(admin_client, credited):
    assert list(rows(desk(admin_client, q="Marchetti Lantern"))) == ["The Lantern Keeper"]
    html = desk(admin_client, q="Marchetti Tide")
    assert "Sorry, there are no reviews matching your search parameters" in html


def test_desk_search_costs_the_same_queries_for_1_and_20_matches(
    admin_client, make_review, person_factory
):
    lead = person_factory(name="Zoë Marchetti")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            html = desk(admin_client, q="Marchetti")
        return len(queries), len(rows(html))

    make_review(cast=[(lead, "Ada")], directors=[lead])
    desk(admin_client, q="Marchetti")  # content types and permissions read once per process
    one, listed_one = count()
    for _ in range(19):
        make_review(cast=[(lead, "Ada"), (person_factory(), "B")], writers=[lead])
    twenty, listed_twenty = count()
    assert (listed_one, listed_twenty) == (1, 20)
    assert one == twenty


# Statuses and their filters


def test_each_status_shows_on_its_review(admin_client, every_status):
    html = desk(admin_client)
    assert status_of(html, "Plain Draft") == "draft"
    assert status_of(html, "Plain Live") == "live"
    assert status_of(html, "Live Changed") == "live + draft"
    assert status_of(html, "Under Review") == "in moderation"
    assert status_of(html, "Taken Down") == "expired"
    assert status_of(html, "Past Expiry") == "expired"
    soon = ReviewPage.objects.get(pk=every_status["scheduled"].pk).scheduled_revision
    assert status_of(html, "Soon Showing") == (
        f"scheduled ({render_timestamp(soon.approved_go_live_at)})"
    )
    rescheduled = ReviewPage.objects.get(pk=every_status["live-scheduled"].pk)
    assert status_of(html, "Live Rescheduled") == (
        f"live + scheduled ({render_timestamp(rescheduled.scheduled_revision.approved_go_live_at)})"
    )


@pytest.mark.parametrize(
    "status, films",
    [
        ("draft", {"Plain Draft"}),
        ("live", {"Plain Live"}),
        ("live-draft", {"Live Changed"}),
        ("moderation", {"Under Review"}),
        ("expired", {"Taken Down", "Past Expiry"}),
        ("scheduled", {"Soon Showing", "Live Rescheduled"}),
    ],
)
def test_each_status_filter_narrows_the_desk_to_that_status(
    admin_client, every_status, status, films
):
    html = desk(admin_client, status=status)
    assert set(rows(html)) == films
    # The filter is offered, by name, in the filter band.
    assert f"?status={status}" in desk(admin_client)


def test_an_unknown_status_filter_lists_every_review(admin_client, every_status):
    assert len(rows(desk(admin_client, status="nonsense"))) == len(every_status)


def test_the_go_live_column_shows_and_sorts_by_the_scheduled_go_live(admin_client, make_review):
    first = schedule(make_review(film_title="First Up", live=False), later(days=1))
    schedule(make_review(film_title="Second Up", live=False), later(days=5))
    make_review(film_title="No Go-Live")
    html = desk(admin_client)
    column = rows(html)["First Up"].split('class="field-go_live title">', 1)[1].split("<", 1)[0]
    assert column == render_timestamp(first.scheduled_revision.approved_go_live_at)
    headers = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    position = headers.split("<th ").index(
        next(th for th in headers.split("<th ") if "column-go_live" in th)
    )
    go_live_column = position - 1  # list_display index (the split's first part is no header)
    ascending = list(rows(desk(admin_client, o=str(go_live_column))))
    descending = list(rows(desk(admin_client, o=f"-{go_live_column}")))
    # Reviews without a go-live come last in both directions.
    assert ascending == ["First Up", "Second Up", "No Go-Live"]
    assert descending == ["Second Up", "First Up", "No Go-Live"]


@pytest.mark.parametrize("who", ["superuser", "moderator", "editor"])
def test_a_page_of_the_desk_costs_the_same_queries_for_1_and_20_reviews(
    client, admin_client, make_review, person_factory, login, moderators, editors, workflow, who
):
    if who == "moderator":
        login(moderators, name="mo")
    elif who == "editor":
        login(editors, name="ed")
    critic = person_factory(name="Priya Anand")

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            html = desk(client)
        return len(queries), len(rows(html))

    def make_varied(number: int):
        """Live or draft, in moderation, scheduled or changed: the first one is live and in
        moderation (its row asks the most: its workflow task's lock), the others vary."""
        review = make_review(author=critic, cast=[(person_factory(), "A")], live=number % 3 != 0)
        if number % 4 == 1:
            submitted = ReviewPage.objects.get(pk=review.pk)
            submitted.save_revision()
            workflow.start(submitted, None)
        elif number % 4 == 2:
            schedule(review, later(days=number + 1))
        elif number % 4 == 3:
            ReviewPage.objects.get(pk=review.pk).save_revision()

    make_varied(1)
    desk(client)
    one, listed_one = count()
    for number in range(2, 21):
        make_varied(number)
    twenty, listed_twenty = count()
    assert (listed_one, listed_twenty) == (1, 20)
    assert one == twenty


# Bulk actions


def bulk(client, action, reviews, data=None, **params):
    """POST a desk bulk action for these reviews, as the desk's footer sends it, and follow
    it back to the desk."""
    url = reverse("wagtail_bulk_action", args=("review_pages", "reviewpage", action))
    query = {"id": [review.pk for review in reviews], "next": reverse(DESK), **params}
    confirm = client.get(url, query)
    assert confirm.status_code == 200
    response = client.post(f"{url}?{urlencode(query, doseq=True)}", data or {}, follow=True)
    assert response.status_code == 200
    return confirm.content.decode(), response


def said(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]


def fresh(review) -> ReviewPage:
    return ReviewPage.objects.get(pk=review.pk)


def test_the_desk_has_a_checkbox_per_review_and_wagtails_bulk_action_footer(
    admin_client, make_review
):
    make_review(film_title="One")
    make_review(film_title="Two", live=False)
    html = desk(admin_client)
    assert html.count("data-bulk-action-checkbox") == 2
    assert "data-bulk-action-select-all-checkbox" in html
    assert "wagtailadmin/js/bulk-actions.js" in html
    for action in ("publish", "schedule", "submit", "unpublish"):
        assert f"/admin/bulk/review_pages/reviewpage/{action}/" in html


def test_bulk_publish_by_a_moderator_publishes_each_and_reports_each(
    client, login, moderators, make_review
):
    login(moderators)
    drafts = [make_review(film_title=f"Draft {n}", live=False) for n in (1, 2)]
    already = make_review(film_title="Already Live")
    confirm, response = bulk(client, "publish", [*drafts, already])
    assert "Draft 1" in confirm and "will be published now" in confirm
    assert "already live, with nothing new to publish" in confirm
    assert all(fresh(review).live for review in drafts)
    assert "Published: ‘Draft 1’, ‘Draft 2’." in said(response)
    assert "Left as it was: already live, with nothing new to publish: ‘Already Live’." in said(
        response
    )
    # Logged in Wagtail's history with the user who did it.
    assert PageLogEntry.objects.filter(
        page=drafts[0], action="wagtail.publish", user__username="someone"
    ).exists()


def test_bulk_publish_brings_a_scheduled_review_forward(client, login, moderators, make_review):
    login(moderators)
    soon = schedule(make_review(film_title="Soon", live=False), later(days=1))
    _, response = bulk(client, "publish", [soon])
    soon = fresh(soon)
    assert soon.live and soon.scheduled_revision is None and soon.go_live_at is None
    assert "Published now, its go-live brought forward: ‘Soon’." in said(response)


def test_bulk_publish_by_an_editor_without_a_workflow_is_refused_per_review(
    client, login, editors, make_review
):
    login(editors)
    draft = make_review(film_title="Not Mine To Publish", live=False)
    confirm, response = bulk(client, "publish", [draft])
    assert "you may not publish this review" in confirm
    assert not fresh(draft).live
    assert "Not published: you may not publish this review: ‘Not Mine To Publish’." in said(
        response
    )


def test_bulk_publish_by_an_editor_under_a_workflow_submits_it_instead(
    client, login, editors, workflow, make_review
):
    login(editors)
    draft = make_review(film_title="For Approval", live=False)
    confirm, response = bulk(client, "publish", [draft])
    assert "will be submitted to the workflow “Review moderation”" in confirm
    draft = fresh(draft)
    assert not draft.live
    assert draft.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert draft.current_workflow_state.workflow == workflow
    assert "Submitted to the workflow “Review moderation”: ‘For Approval’." in said(response)
    # Submitting it again leaves it in moderation, said so.
    _, again = bulk(client, "publish", [draft])
    assert any("already in moderation" in message for message in said(again))
    assert WorkflowState.objects.filter(object_id=str(draft.pk)).count() == 1


def test_bulk_publish_by_a_moderator_under_a_workflow_publishes_directly(
    client, login, moderators, workflow, make_review
):
    login(moderators)
    draft = make_review(film_title="Moderator Publishes", live=False)
    bulk(client, "publish", [draft])
    assert fresh(draft).live


def test_bulk_publish_refuses_an_incomplete_review_and_publishes_the_rest(
    client, login, moderators, make_review
):
    login(moderators)
    incomplete = make_review(film_title="Half Written", live=False, body=complete_body()[:2])
    complete = make_review(film_title="Finished", live=False)
    confirm, response = bulk(client, "publish", [incomplete, complete])
    assert "Add a final statement" in confirm
    assert not fresh(incomplete).live and fresh(complete).live
    assert any(
        message.startswith("Not published: Add a final statement") and "‘Half Written’" in message
        for message in said(response)
    )


def test_bulk_unpublish_by_a_moderator_and_refused_for_an_editor(
    client, login, moderators, editors, make_review
):
    live = make_review(film_title="Going Dark")
    login(editors, name="ed")
    confirm, response = bulk(client, "unpublish", [live])
    assert fresh(live).live
    assert "Not unpublished: you may not unpublish this review: ‘Going Dark’." in said(response)
    login(moderators, name="mo")
    draft = make_review(film_title="Never Live", live=False)
    _, response = bulk(client, "unpublish", [live, draft])
    assert not fresh(live).live
    assert "Unpublished: ‘Going Dark’." in said(response)
    assert "Left as it was: not live: ‘Never Live’." in said(response)


def test_bulk_unpublish_under_a_workflow_is_a_moderators_job(
    client, login, editors, workflow, make_review
):
    live = make_review(film_title="Stays Up")
    login(editors)
    bulk(client, "unpublish", [live])
    assert fresh(live).live


def test_bulk_schedule_by_a_moderator_schedules_each_at_the_chosen_time(
    client, login, moderators, make_review
):
    login(moderators)
    draft = make_review(film_title="Embargoed", live=False)
    live = make_review(film_title="Live With News")
    when = later(days=2).replace(microsecond=0, second=0)
    field = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    confirm, response = bulk(client, "schedule", [draft, live], {"go_live_at": field})
    assert 'name="go_live_at"' in confirm
    for review in (draft, live):
        review = fresh(review)
        assert review.scheduled_revision.approved_go_live_at == when
    assert not fresh(draft).live and fresh(live).live
    assert f"Scheduled to go live at {render_timestamp(when)}: ‘Embargoed’, ‘Live With News’." in (
        said(response)
    )
    # The desk shows them scheduled, with the time.
    html = desk(client)
    assert status_of(html, "Embargoed") == f"scheduled ({render_timestamp(when)})"
    assert status_of(html, "Live With News") == f"live + scheduled ({render_timestamp(when)})"


def test_bulk_schedule_refuses_a_time_in_the_past_and_changes_nothing(
    client, login, moderators, make_review
):
    login(moderators)
    draft = make_review(film_title="Late", live=False)
    url = reverse("wagtail_bulk_action", args=("review_pages", "reviewpage", "schedule"))
    past = timezone.localtime(later(hours=-1)).strftime("%Y-%m-%d %H:%M")
    response = client.post(f"{url}?id={draft.pk}", {"go_live_at": past})
    assert response.status_code == 200
    assert "Choose a time in the future." in response.content.decode()
    assert fresh(draft).scheduled_revision is None and not fresh(draft).live


def test_bulk_schedule_by_an_editor_submits_with_the_go_live_or_is_refused(
    client, login, editors, workflow, make_review, index_page
):
    login(editors)
    draft = make_review(film_title="Editor Schedules", live=False)
    when = later(days=1).replace(microsecond=0, second=0)
    field = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    _, response = bulk(client, "schedule", [draft], {"go_live_at": field})
    draft = fresh(draft)
    assert draft.scheduled_revision is None and not draft.live
    assert draft.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert draft.latest_revision.as_object().go_live_at == when
    assert (
        f"Submitted to the workflow “Review moderation”, to go live at {render_timestamp(when)} "
        "once approved: ‘Editor Schedules’." in said(response)
    )
    # Approved by a moderator, it is scheduled for that time, not published at once.
    moderator = draft.current_workflow_task.groups.first().user_set.create(username="boss")
    draft.current_workflow_task.on_action(draft.current_workflow_task_state, moderator, "approve")
    draft = fresh(draft)
    assert not draft.live and draft.scheduled_revision.approved_go_live_at == when
    # Without a workflow, an editor may not schedule.
    WorkflowPage.objects.all().delete()
    other = make_review(film_title="No Workflow", live=False)
    _, response = bulk(client, "schedule", [other], {"go_live_at": field})
    assert "Not scheduled: you may not publish this review: ‘No Workflow’." in said(response)
    assert fresh(other).scheduled_revision is None


def test_bulk_submit_for_moderation(client, login, editors, workflow, make_review, index_page):
    user = login(editors)
    draft = make_review(film_title="Please Review", live=False)
    _, response = bulk(client, "submit", [draft])
    state = fresh(draft).current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == user
    assert "Submitted to the workflow “Review moderation”: ‘Please Review’." in said(response)
    # A review sent back for changes is resubmitted into the same workflow state.
    moderator = state.current_task_state.task.specific.groups.first().user_set.create(
        username="boss"
    )
    draft = fresh(draft)
    draft.current_workflow_task.on_action(draft.current_workflow_task_state, moderator, "reject")
    assert fresh(draft).current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    bulk(client, "submit", [draft])
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_IN_PROGRESS
    # Without a workflow there is nothing to submit to.
    WorkflowPage.objects.all().delete()
    other = make_review(film_title="Nowhere To Go", live=False)
    _, response = bulk(client, "submit", [other])
    assert "Not submitted: no workflow applies to this review: ‘Nowhere To Go’." in said(response)


def test_bulk_submit_is_refused_to_a_user_who_may_not_edit(
    client, login, workflow, make_review, django_user_model
):
    outsider = Group.objects.create(name="Readers with admin")
    outsider.permissions.add(Permission.objects.get(codename="access_admin"))
    login(outsider)
    draft = make_review(film_title="Hands Off", live=False)
    _, response = bulk(client, "submit", [draft])
    assert fresh(draft).current_workflow_state is None
    assert "Not submitted: you may not edit this review: ‘Hands Off’." in said(response)


def test_a_bulk_action_with_no_or_bad_ids_says_so(admin_client):
    url = reverse("wagtail_bulk_action", args=("review_pages", "reviewpage", "publish"))
    response = admin_client.get(url, {"id": ["x", "99999"]})
    assert response.status_code == 200
    assert "No review was chosen" in response.content.decode()


def test_an_anonymous_bulk_action_is_sent_to_log_in(client, make_review):
    draft = make_review(live=False)
    url = reverse("wagtail_bulk_action", args=("review_pages", "reviewpage", "publish"))
    response = client.post(f"{url}?id={draft.pk}")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not fresh(draft).live


def test_the_report_and_the_confirmation_escape_a_reviews_title(
    client, login, moderators, make_review
):
    login(moderators)
    draft = make_review(
        film_title="<i>Bold</i> Move", title="<i>Bold</i> Move: a review", live=False
    )
    confirm, response = bulk(client, "publish", [draft])
    assert "<i>Bold</i>" not in confirm and "&lt;i&gt;Bold&lt;/i&gt; Move: a review" in confirm
    html = response.content.decode()
    assert "<i>Bold</i>" not in html and "Published: ‘&lt;i&gt;Bold&lt;/i&gt; Move’." in html


def test_bulk_schedule_by_a_moderator_under_a_workflow_schedules_directly(
    client, login, moderators, workflow, make_review
):
    login(moderators)
    draft = make_review(film_title="Moderator Schedules", live=False)
    when = later(days=1).replace(microsecond=0, second=0)
    field = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    _, response = bulk(client, "schedule", [draft], {"go_live_at": field})
    draft = fresh(draft)
    assert draft.scheduled_revision.approved_go_live_at == when
    assert draft.current_workflow_state is None and not draft.live


def test_a_review_locked_by_someone_else_is_left_alone(
    client, login, moderators, make_review, django_user_model
):
    draft = make_review(film_title="Being Edited", live=False)
    other = django_user_model.objects.create_user("writer", "w@example.com", "pw")
    ReviewPage.objects.filter(pk=draft.pk).update(locked=True, locked_by=other)
    login(moderators)
    confirm, response = bulk(client, "publish", [draft])
    assert "it is locked by writer" in confirm
    assert not fresh(draft).live
    assert "Not published: it is locked by writer: ‘Being Edited’." in said(response)
