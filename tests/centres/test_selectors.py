from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres import selectors
from centres.exports import centre_row
from centres.models import CentreStatus, District, OperatorTerm, OrganizationKind, Osiedle
from tests import factories

pytestmark = pytest.mark.django_db


# --- public centres ----------------------------------------------------------------------


def test_public_list_leaves_out_closed_centres_and_is_ordered_by_name(db):
    b = factories.CentreFactory(name="CAL Bartoszowice")
    a = factories.CentreFactory(name="CAL A", status=CentreStatus.PLANNED)
    factories.CentreFactory(name="CAL Zamknięty", status=CentreStatus.CLOSED)

    assert list(selectors.centre_list_public()) == [a, b]


def test_public_list_filters_by_osiedle_located_in_or_served(db):
    # Given one centre located in the osiedle, one serving it and one elsewhere
    osiedle = factories.OsiedleFactory()
    located = factories.CentreFactory(name="CAL 1", primary_osiedle=osiedle)
    serving = factories.CentreFactory(name="CAL 2")
    serving.served_osiedla.set([osiedle, factories.OsiedleFactory()])
    factories.CentreFactory(name="CAL 3")
    # the located centre also serves its own osiedle: it must still appear once
    located.served_osiedla.set([osiedle])

    result = list(selectors.centre_list_public(filters={"osiedle": osiedle.slug}))

    assert result == [located, serving]


def test_public_list_filters_by_district(db):
    krzyki = factories.OsiedleFactory(district=District.KRZYKI)
    psie_pole = factories.OsiedleFactory(district=District.PSIE_POLE)
    in_krzyki = factories.CentreFactory(name="CAL K", primary_osiedle=krzyki)
    serves_krzyki = factories.CentreFactory(name="CAL P", primary_osiedle=psie_pole)
    serves_krzyki.served_osiedla.set([krzyki])
    factories.CentreFactory(name="CAL X", primary_osiedle=psie_pole)

    assert list(selectors.centre_list_public(filters={"district": "krzyki"})) == [in_krzyki, serves_krzyki]
    assert len(selectors.centre_list_public(filters={"district": "psie-pole"})) == 2


def test_public_list_filters_by_status_and_search(db):
    pilot = factories.CentreFactory(name="CAL Pilot", status=CentreStatus.PILOT)
    factories.CentreFactory(name="CAL Active", description="Ogród społeczny")

    assert list(selectors.centre_list_public(filters={"status": "pilotaz"})) == [pilot]
    assert [c.name for c in selectors.centre_list_public(filters={"q": "ogród"})] == ["CAL Active"]


def test_public_list_prefetches_only_current_operators(db):
    centre = factories.CentreFactory()
    start, end = factories.past_term_dates()
    factories.OperatorTermFactory(centre=centre, start=start, end=end)
    current = factories.OperatorTermFactory(centre=centre, start=end + timedelta(days=1))

    [listed] = selectors.centre_list_public()

    assert listed.current_terms == [current]


def test_public_centre_page_includes_closed_centres(db):
    closed = factories.CentreFactory(status=CentreStatus.CLOSED)

    assert selectors.centre_get_public(slug=closed.slug) == closed


def test_unknown_public_centre_is_404(db):
    with pytest.raises(Http404):
        selectors.centre_get_public(slug="nie-ma-takiego")


def test_public_list_queries_do_not_grow_with_rows(db):
    def measure():
        with CaptureQueriesContext(connection) as ctx:
            for centre in selectors.centre_list_public():
                centre_row(centre, base_url="")
        return len(ctx.captured_queries)

    def add(count):
        for _ in range(count):
            term = factories.OperatorTermFactory()
            term.centre.served_osiedla.set([factories.OsiedleFactory()])

    add(2)
    at_two = measure()
    add(18)

    assert measure() == at_two
    assert at_two == 3  # centres with osiedle, served osiedla, current terms with organisations


# --- editable centres --------------------------------------------------------------------


def test_editable_list_of_an_operator(operator_a, centre_a, centre_b):
    assert list(selectors.centre_list_editable(user=operator_a)) == [centre_a]


def test_editable_centre_of_another_operator_is_404(operator_a, centre_b):
    with pytest.raises(Http404):
        selectors.centre_get_editable(user=operator_a, slug=centre_b.slug)


def test_editable_centre_of_the_operator(operator_a, centre_a):
    assert selectors.centre_get_editable(user=operator_a, slug=centre_a.slug) == centre_a


def test_editable_list_of_city_staff_includes_closed_centres(city_staff, centre_a):
    closed = factories.CentreFactory(name="CAL Zzz", status=CentreStatus.CLOSED)

    assert list(selectors.centre_list_editable(user=city_staff)) == [centre_a, closed]


def test_anonymous_user_edits_nothing(centre_a):
    assert list(selectors.centre_list_editable(user=AnonymousUser())) == []


# --- osiedla, organisations, terms, memberships -------------------------------------------


def test_osiedla_of_the_city_are_loaded_and_filterable(db):
    assert selectors.osiedle_list().count() == 48
    assert selectors.osiedle_list(filters={"district": "stare-miasto"}).count() == 3
    assert [o.name for o in selectors.osiedle_list(filters={"q": "szczep"})] == ["Szczepin"]
    assert Osiedle.objects.get(name="Szczepin").slug == "szczepin"


def test_organisations_filter_by_kind_and_by_number_with_separators(operator_a):
    library = factories.OrganizationFactory(name="Biblioteka Miejska", kind=OrganizationKind.LIBRARY)

    by_kind = selectors.organization_list(user=operator_a, filters={"kind": "biblioteka"})
    nip = library.nip
    by_nip = selectors.organization_list(
        user=operator_a, filters={"q": f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}"}
    )
    by_name = selectors.organization_list(user=operator_a, filters={"q": "miejska"})

    assert list(by_kind) == [library]
    assert list(by_nip) == [library]
    assert list(by_name) == [library]


def test_organisations_are_not_visible_to_anonymous_users(centre_a):
    assert selectors.organization_list(user=AnonymousUser()).count() == 0


def test_operator_terms_filter_by_centre_and_current(city_staff, centre_a, centre_b):
    start, end = factories.past_term_dates()
    old = factories.OperatorTermFactory(centre=centre_a, start=start, end=end)
    current_a = centre_a.terms.get(end__isnull=True)

    by_centre = selectors.operator_term_list(user=city_staff, filters={"centre": centre_a.slug})
    current = selectors.operator_term_list(
        user=city_staff, filters={"centre": centre_a.slug, "current": True}
    )
    ended = selectors.operator_term_list(user=city_staff, filters={"current": False})

    assert list(by_centre) == [current_a, old]  # newest first
    assert list(current) == [current_a]
    assert list(ended) == [old]


def test_operator_terms_of_an_operator_are_their_organisations_only(operator_a, centre_a, centre_b):
    assert list(selectors.operator_term_list(user=operator_a)) == list(
        OperatorTerm.objects.filter(centre=centre_a)
    )


def test_membership_list_for_user(operator_a, operator_b):
    memberships = list(selectors.membership_list_for_user(user=operator_a))

    assert [m.user for m in memberships] == [operator_a]
    assert selectors.membership_list_for_user(user=AnonymousUser()).count() == 0


def test_a_term_starting_tomorrow_is_not_current(city_staff, centre_b):
    centre = factories.CentreFactory()
    future = factories.OperatorTermFactory(centre=centre, start=timezone.localdate() + timedelta(days=1))

    assert list(selectors.operator_term_list(user=city_staff, filters={"current": False})) == [future]
