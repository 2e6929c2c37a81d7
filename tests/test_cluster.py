"""Story clustering on small hand-written articles: grouping, singletons, dates, order."""

from __future__ import annotations

import random

import pytest

import briefing.cluster as clustering
from briefing.cluster import cluster
from briefing.schema import Article, Source

FLOOD = [
    (
        "Valmora River Tessin floods old town",
        "Daily Ledger",
        "The River Tessin burst its banks in Valmora on Tuesday, flooding the old town. "
        "Mayor Ilse Brandt said 400 residents were evacuated overnight from the Kastell "
        "quarter. Rescue crews used boats to reach homes near the Tessin bridge.",
    ),
    (
        "Hundreds evacuated as Tessin floods Valmora",
        "Northern Herald",
        "Floodwater from the Tessin swept through Valmora's old town, and mayor Ilse Brandt "
        "ordered the Kastell quarter evacuated. About 400 people spent the night in the "
        "Valmora sports hall, the council said.",
    ),
    (
        "Valmora counts the cost of Tessin flood",
        "Radio Meridian",
        "Shopkeepers in Valmora began clearing mud on Wednesday after the River Tessin "
        "receded. Ilse Brandt, the mayor, asked the regional government for emergency funds "
        "to repair the Tessin bridge and the Kastell quarter.",
    ),
]
TENNIS = [
    (
        "Petrova beats Oliveira in Caldera Open final",
        "Daily Ledger",
        "Nadia Petrova won the Caldera Open on Sunday, beating Marta Oliveira in three sets. "
        "Petrova saved two match points in the second set before breaking Oliveira's serve.",
    ),
    (
        "Nadia Petrova lifts Caldera Open trophy",
        "Sports Wire",
        "Marta Oliveira led by a set and a break, but Nadia Petrova came back to win the "
        "Caldera Open final. Oliveira said Petrova had played the best tennis of her career.",
    ),
]
SINGLES = [
    (
        "Comet Halvorsen visible from Tuesday",
        "Science Weekly",
        "Astronomers at the Brightwater Observatory say comet Halvorsen will be visible to "
        "the naked eye from Tuesday, low on the western horizon after sunset.",
    ),
    (
        "Gouda cheese market opens for the season",
        "Travel Notes",
        "The weekly cheese market in Gouda reopened on Thursday, with farmers carrying wheels "
        "of cheese across the square as they have done for centuries.",
    ),
]


def make(specs, *, published="2024-05-14", prefix="a"):
    return [
        Article(
            source=Source(
                id=f"{prefix}{number}",
                title=title,
                outlet=outlet,
                published=published,
                path=f"{prefix}{number}.txt",
            ),
            paragraphs=[text],
        )
        for number, (title, outlet, text) in enumerate(specs)
    ]


@pytest.fixture
def day():
    return make(FLOOD, prefix="flood") + make(TENNIS, prefix="tennis") + make(SINGLES, prefix="x")


def ids(groups):
    return [sorted(article.id for article in group) for group in groups]


def test_articles_about_one_event_form_one_story_and_the_rest_stand_alone(day):
    groups = cluster(day)
    assert ids(groups) == [
        ["flood0", "flood1", "flood2"],
        ["tennis0", "tennis1"],
        *sorted([["x0"], ["x1"]]),
    ]


def test_every_article_lands_in_exactly_one_group(day):
    placed = [article.id for group in cluster(day) for article in group]
    assert sorted(placed) == sorted(article.id for article in day)


@pytest.mark.parametrize("seed", range(5))
def test_the_result_does_not_depend_on_input_order(day, seed):
    shuffled = list(day)
    random.Random(seed).shuffle(shuffled)
    assert [[a.id for a in g] for g in cluster(shuffled)] == [
        [a.id for a in g] for g in cluster(day)
    ]


def test_the_same_event_published_weeks_apart_is_not_one_story():
    early = make(FLOOD[:1], published="2024-05-14", prefix="early")
    late = make(FLOOD[1:2], published="2024-06-20", prefix="late")
    assert ids(cluster(early + late)) == [["early0"], ["late0"]]
    near = make(FLOOD[1:2], published="2024-05-16", prefix="near")
    assert ids(cluster(early + near)) == [["early0", "near0"]]


def test_articles_sharing_only_common_words_stay_apart():
    health = make(
        [
            (
                "A first lady's legacy on mental health",
                "Public Radio",
                "She fought to put care for mental health on an equal footing with physical "
                "health, and people across the country remember her persistence.",
            ),
            (
                "Watching war unfold is distressing: protect your mental health",
                "Public Radio",
                "Doomscrolling puts people into chronic stress; a psychiatrist explains how to "
                "protect your mental health while following the news.",
            ),
        ]
    )
    assert ids(cluster(health)) == [["a0"], ["a1"]]


def test_no_articles_and_one_article():
    assert cluster([]) == []
    single = make(SINGLES[:1])
    assert ids(cluster(single)) == [["a0"]]


def test_candidates_come_from_an_inverted_index_not_from_all_pairs(monkeypatch):
    """Many small unrelated stories: only articles sharing rare features are compared."""
    rng = random.Random(3)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "da", "fu"]

    def name():
        return "".join(rng.choice(syllables) for _ in range(3)).capitalize()

    articles = []
    for story in range(150):
        people, place = f"{name()} {name()}", name()
        for copy in range(2):
            text = (
                f"{people} spoke in {place} on Monday about the {name()} plan. "
                f"Officials in {place} said {people} would return to {place} next week."
            )
            articles += make(
                [(f"{people} visits {place}", f"Outlet {copy}", text)], prefix=f"s{story}-{copy}-"
            )
    compared = 0
    similarity = clustering._similarity

    def counting(first, second):
        nonlocal compared
        compared += 1
        return similarity(first, second)

    monkeypatch.setattr(clustering, "_similarity", counting)
    groups = cluster(articles)
    all_pairs = len(articles) * (len(articles) - 1) // 2
    assert compared < all_pairs / 50
    assert sum(len(group) == 2 for group in groups) >= 140


# Two floods of the same kind on the same day: the kind's words ("river", "burst its banks",
# "evacuated", "mayor") are shared, the towns, rivers, mayors and numbers are not.
TWIN_FLOODS = [
    (
        "Floods force evacuations as river bursts its banks",
        "Daily Ledger",
        "The River Tessin burst its banks in Valmora on Tuesday, flooding the old town. Mayor "
        "Ilse Brandt said 400 residents were evacuated overnight and rescue crews used boats "
        "to reach homes. The river rose 3.2 metres in six hours, the council said.",
    ),
    (
        "Residents evacuated as floodwater sweeps through old town",
        "Northern Herald",
        "Floodwater from the Tessin swept through Valmora's old town and mayor Ilse Brandt "
        "ordered residents evacuated. About 400 people spent the night in a sports hall after "
        "the river rose 3.2 metres, the council said. Rescue crews used boats.",
    ),
    (
        "Town counts the cost of the flood",
        "Radio Meridian",
        "Shopkeepers in Valmora began clearing mud after the River Tessin receded. Ilse Brandt, "
        "the mayor, asked for emergency funds; 400 residents were evacuated and the river "
        "had risen 3.2 metres, rescue crews said.",
    ),
    (
        "Kerrigan harbour under water after storm surge",
        "Sports Wire",
        "Heavy rain sent the River Orvane over its banks in Kerrigan, and the harbour "
        "district was flooded by Tuesday evening. Tomas Quill, Kerrigan's mayor, said 1,150 "
        "residents had been evacuated, most of them to schools on the hill.",
    ),
    (
        "Orvane flood: 1,150 evacuated in Kerrigan",
        "Coastal Times",
        "Firefighters in Kerrigan pumped water out of harbour cellars as the Orvane kept "
        "rising. Mayor Tomas Quill warned that the quay road would stay closed, and said "
        "the 1,150 evacuated residents would not return before the weekend.",
    ),
    (
        "Kerrigan fishermen fear for boats as Orvane rises",
        "Valley Post",
        "Fishermen in Kerrigan moved their boats upstream while the Orvane flooded the "
        "harbour. Quill asked the coastguard for pumps, and volunteers filled sandbags "
        "outside the Kerrigan town hall through the night.",
    ),
]


def test_two_events_of_the_same_kind_on_one_day_are_two_stories():
    groups = cluster(make(TWIN_FLOODS, prefix="f"))
    assert sorted(ids(groups)) == [["f0", "f1", "f2"], ["f3", "f4", "f5"]]


@pytest.mark.parametrize("seed", range(3))
def test_same_kind_events_stay_apart_whatever_the_input_order(seed):
    articles = make(TWIN_FLOODS, prefix="f")
    shuffled = list(articles)
    random.Random(seed).shuffle(shuffled)
    assert ids(cluster(shuffled)) == ids(cluster(articles))


def test_two_tight_groups_linked_loosely_do_not_merge():
    """Each group of four holds together at 0.8; the groups share 0.3 across: above the
    threshold, but far below how tightly each holds itself."""
    first, second = range(4), range(4, 8)
    inside = {(a, b): 0.8 for group in (first, second) for a in group for b in group if a < b}
    across = {(a, b): 0.3 for a in first for b in second}
    assert clustering._average_linkage(8, inside | across, 0.1) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    looser = {pair: 0.4 for pair in inside}
    assert clustering._average_linkage(8, looser | across, 0.1) == [list(range(8))]


def test_tight_groups_whose_figures_agree_more_than_they_disagree_merge():
    """The groups of the test above, but the pairs across agree on a figure: two fragments
    of one event, told in different words, merge; when the figures are split evenly, the
    cohesion test decides."""
    first, second = range(4), range(4, 8)
    inside = {(a, b): 0.8 for group in (first, second) for a in group for b in group if a < b}
    across = {(a, b): 0.3 for a in first for b in second}
    pairs = inside | across
    agreeing = dict.fromkeys(list(across)[:3], 1) | {(0, 7): -1}
    assert clustering._average_linkage(8, pairs, 0.1, agreeing) == [list(range(8))]
    even = dict.fromkeys(list(across)[:3], 1) | dict.fromkeys(list(across)[3:6], -1)
    assert clustering._average_linkage(8, pairs, 0.1, even) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_groups_whose_figures_disagree_more_than_they_agree_stay_apart():
    """Two groups loose enough inside to pass the cohesion test, but their figures differ
    (two quakes of one kind, 5.6 and 6.1): they stay apart; smaller groups still merge."""
    first, second = range(4), range(4, 8)
    inside = {(a, b): 0.4 for group in (first, second) for a in group for b in group if a < b}
    across = {(a, b): 0.3 for a in first for b in second}
    disagreeing = dict.fromkeys(list(across)[:2], -1) | {(1, 4): 1, (2, 7): -1}
    assert clustering._average_linkage(8, inside | across, 0.1, disagreeing) == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
    ]
    assert clustering._average_linkage(8, inside | across, 0.1) == [list(range(8))]
    small = {(0, 1): 0.8, (2, 3): 0.8, (0, 2): 0.3, (1, 3): 0.3, (0, 3): 0.3, (1, 2): 0.3}
    assert clustering._average_linkage(4, small, 0.1, {(0, 2): -1}) == [[0, 1, 2, 3]]


def test_figures_are_read_with_the_word_they_count():
    frame = clustering._figure_frame(
        "A 5.6 magnitude quake killed twenty-one people and hurt 1,150. "
        "A magnitude of 5.4 was recorded."
    )
    assert frame == {"magnit": {5.6}, "people": {21}, "<hurt": {1150}, "<magnit": {5.4}}


def test_two_articles_agree_on_a_shared_figure_and_disagree_on_a_changed_one():
    quake = clustering._figure_frame("A 5.6 magnitude quake hurt five people.")
    same = clustering._figure_frame("The quake, of 5.6 magnitude, shook the island.")
    other = clustering._figure_frame("A 6.1 magnitude quake killed ten people.")
    unrelated = clustering._figure_frame("The club offered 160 million dollars.")
    assert clustering._frames_agree(quake, same) == 1
    assert clustering._frames_agree(quake, other) == -1
    assert clustering._frames_agree(quake, unrelated) == 0


def test_a_small_group_joins_a_tight_one_on_the_threshold_alone():
    pairs = {(0, 1): 0.9, (0, 2): 0.9, (1, 2): 0.9, (2, 3): 0.5}
    assert clustering._average_linkage(4, pairs, 0.1) == [[0, 1, 2, 3]]


def test_numbers_are_features_and_single_digits_are_not():
    counts, _ = clustering._features("A 5.6 quake hurt 12,000 people in 3 towns.", True)
    assert {"#5.6", "#12000"} <= counts.keys()
    assert "#3" not in counts


def test_month_and_weekday_names_are_not_names():
    _, names = clustering._features(
        "The vote, held on Sunday in December, went to Ilse Brandt.", True
    )
    assert "sunday" not in names and "decemb" not in names
    assert "ilse brandt" in names


def undated(spec, written, prefix):
    article = make([spec], prefix=prefix)[0]
    article.source.published = None
    article.paragraphs = [f"{article.paragraphs[0]} The statement was issued on {written}."]
    return article


def test_undated_articles_are_placed_by_the_dates_their_texts_give():
    first = undated(FLOOD[0], "14 May 2024", "first")
    year_later = undated(FLOOD[1], "May 20, 2025", "later")
    assert ids(cluster([first, year_later])) == [["first0"], ["later0"]]
    week_later = undated(FLOOD[1], "2024-05-21", "week")
    assert ids(cluster([first, week_later])) == [["first0", "week0"]]
