"""The blog over its real process and socket: who reads which posts, who writes which."""

from __future__ import annotations

import secrets
from typing import Any

from core.security.principal import Principal

from .conftest import Blog, codes, user

POST_FIELDS = "id title slug body status publishAt authorId createdAt updatedAt"
CREATE = (
    f"""mutation($input: CreatePostInput!) {{ createPost(input: $input) {{ {POST_FIELDS} }} }}"""
)
PUBLISH = (
    f"mutation($id: ID!, $at: DateTime) {{ publishPost(id: $id, at: $at) {{ {POST_FIELDS} }} }}"
)
UPDATE = (
    f"mutation($id: ID!, $input: UpdatePostInput!) {{ updatePost(id: $id, input: $input) "
    f"{{ {POST_FIELDS} }} }}"
)
DELETE = "mutation($id: ID!) { deletePost(id: $id) }"
POST = f"query($slug: String!) {{ post(slug: $slug) {{ {POST_FIELDS} }} }}"
POSTS = "query($first: Int, $after: String) { posts(first: $first, after: $after) "
POSTS += "{ nodes { slug status } endCursor hasNextPage } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) "
ENTITIES += "{ ... on User { id posts { slug status } } } }"


def slug() -> str:
    return f"post-{secrets.token_hex(4)}"


async def create(blog: Blog, author: Principal, **fields: Any) -> dict[str, Any]:
    result = await blog.ask(CREATE, author, input={"title": "A post", "body": "Text", **fields})
    assert "errors" not in result, result
    post: dict[str, Any] = result["data"]["createPost"]
    return post


async def test_editor_creates_a_draft_and_publishes_it(blog: Blog) -> None:
    editor = user("editor")
    post = await create(blog, editor, title="  Hello, world  ", slug=slug())
    assert (post["title"], post["status"], post["publishAt"]) == ("Hello, world", "DRAFT", None)
    assert post["authorId"] == editor.sub
    published = await blog.ask(PUBLISH, editor, id=post["id"])
    assert published["data"]["publishPost"]["status"] == "PUBLISHED"
    assert published["data"]["publishPost"]["publishAt"] is not None


async def test_slug_is_made_from_the_title_when_absent(blog: Blog) -> None:
    token = secrets.token_hex(3)
    post = await create(blog, user("editor"), title=f"Ten Tips: {token}!")
    assert post["slug"] == f"ten-tips-{token}"


async def test_viewer_and_guest_read_only_published_posts(blog: Blog) -> None:
    editor = user("editor")
    draft = await create(blog, editor, slug=slug())
    public = await create(blog, editor, slug=slug())
    await blog.ask(PUBLISH, editor, id=public["id"])
    for reader in (user("viewer"), Principal.guest()):
        found = await blog.ask(POST, reader, slug=public["slug"])
        hidden = await blog.ask(POST, reader, slug=draft["slug"])
        assert found["data"]["post"]["id"] == public["id"]
        assert hidden == {"data": {"post": None}}
        listed = await blog.ask(POSTS, reader, first=100)
        statuses = {node["status"] for node in listed["data"]["posts"]["nodes"]}
        slugs = {node["slug"] for node in listed["data"]["posts"]["nodes"]}
        assert statuses == {"PUBLISHED"}
        assert public["slug"] in slugs and draft["slug"] not in slugs


async def test_editor_reads_drafts(blog: Blog) -> None:
    draft = await create(blog, user("editor"), slug=slug())
    other_editor = user("editor")
    found = await blog.ask(POST, other_editor, slug=draft["slug"])
    assert found["data"]["post"]["status"] == "DRAFT"


async def test_posts_pages_follow_the_cursor_without_repeats(blog: Blog) -> None:
    editor = user("editor")
    for _ in range(3):
        await create(blog, editor, slug=slug())
    first = (await blog.ask(POSTS, editor, first=2))["data"]["posts"]
    second = (await blog.ask(POSTS, editor, first=2, after=first["endCursor"]))["data"]["posts"]
    assert first["hasNextPage"] is True and len(first["nodes"]) == 2
    assert not {n["slug"] for n in first["nodes"]} & {n["slug"] for n in second["nodes"]}


async def test_bad_cursor_and_page_size_are_coded_errors(blog: Blog) -> None:
    assert codes(await blog.ask(POSTS, None, after="not-a-cursor")) == ["BLOG_INVALID_ARGUMENT"]
    assert codes(await blog.ask(POSTS, None, first=0)) == ["BLOG_INVALID_ARGUMENT"]


async def test_viewer_cannot_create_a_post(blog: Blog) -> None:
    result = await blog.ask(CREATE, user("viewer"), input={"title": "Nope", "slug": slug()})
    assert codes(result) == ["UNAUTHORIZED"]
    assert result["data"] is None


async def test_guest_cannot_create_a_post(blog: Blog) -> None:
    result = await blog.ask(CREATE, Principal.guest(), input={"title": "Nope"})
    assert codes(result) == ["UNAUTHENTICATED"]


async def test_author_edits_their_own_post(blog: Blog) -> None:
    author = user("editor")
    post = await create(blog, author, slug=slug())
    new_slug = slug()
    result = await blog.ask(UPDATE, author, id=post["id"], input={"title": "New", "slug": new_slug})
    assert "errors" not in result, result
    assert (result["data"]["updatePost"]["title"], result["data"]["updatePost"]["slug"]) == (
        "New",
        new_slug,
    )


async def test_author_cannot_edit_or_delete_another_authors_post(blog: Blog) -> None:
    post = await create(blog, user("editor"), slug=slug())
    intruder = user("editor")
    edited = await blog.ask(UPDATE, intruder, id=post["id"], input={"title": "Mine now"})
    deleted = await blog.ask(DELETE, intruder, id=post["id"])
    assert codes(edited) == ["UNAUTHORIZED"] and codes(deleted) == ["UNAUTHORIZED"]
    unchanged = await blog.ask(POST, intruder, slug=post["slug"])
    assert unchanged["data"]["post"]["title"] == "A post"


async def test_admin_edits_any_post(blog: Blog) -> None:
    post = await create(blog, user("editor"), slug=slug())
    result = await blog.ask(UPDATE, user("admin"), id=post["id"], input={"body": "Fixed"})
    assert result["data"]["updatePost"]["body"] == "Fixed"


async def test_author_deletes_their_own_post(blog: Blog) -> None:
    author = user("editor")
    post = await create(blog, author, slug=slug())
    assert (await blog.ask(DELETE, author, id=post["id"]))["data"] == {"deletePost": True}
    assert (await blog.ask(POST, author, slug=post["slug"]))["data"] == {"post": None}


async def test_empty_title_is_refused(blog: Blog) -> None:
    result = await blog.ask(CREATE, user("editor"), input={"title": "   ", "slug": slug()})
    assert codes(result) == ["BLOG_INVALID_TITLE"]


async def test_bad_slug_format_is_refused(blog: Blog) -> None:
    for bad in ("Has Spaces", "trailing-", "UPPER", "a--b"):
        result = await blog.ask(CREATE, user("editor"), input={"title": "T", "slug": bad})
        assert codes(result) == ["BLOG_INVALID_SLUG"], bad


async def test_duplicate_slug_is_refused(blog: Blog) -> None:
    editor = user("editor")
    taken = slug()
    await create(blog, editor, slug=taken)
    result = await blog.ask(CREATE, editor, input={"title": "Again", "slug": taken})
    assert codes(result) == ["BLOG_SLUG_TAKEN"]
    assert taken in result["errors"][0]["message"]


async def test_unknown_post_id_is_not_found(blog: Blog) -> None:
    result = await blog.ask(UPDATE, user("admin"), id="999999999", input={"title": "X"})
    assert codes(result) == ["BLOG_POST_NOT_FOUND"]


async def test_user_entities_return_published_posts_to_others(blog: Blog) -> None:
    author = user("editor")
    draft = await create(blog, author, slug=slug())
    public = await create(blog, author, slug=slug())
    await blog.ask(PUBLISH, author, id=public["id"])
    result = await blog.ask(ENTITIES, user("viewer"), r=[{"__typename": "User", "id": author.sub}])
    [entity] = result["data"]["_entities"]
    assert entity["id"] == author.sub
    assert entity["posts"] == [{"slug": public["slug"], "status": "PUBLISHED"}]
    assert draft["slug"] not in str(entity)


async def test_user_entities_include_drafts_for_the_author_themself(blog: Blog) -> None:
    author = user("editor")
    draft = await create(blog, author, slug=slug())
    result = await blog.ask(ENTITIES, author, r=[{"__typename": "User", "id": author.sub}])
    assert result["data"]["_entities"][0]["posts"] == [{"slug": draft["slug"], "status": "DRAFT"}]


async def test_user_without_posts_has_an_empty_list(blog: Blog) -> None:
    nobody = user("viewer")
    result = await blog.ask(ENTITIES, None, r=[{"__typename": "User", "id": nobody.sub}])
    assert result["data"]["_entities"] == [{"id": nobody.sub, "posts": []}]


async def test_too_long_body_is_refused(blog: Blog) -> None:
    result = await blog.ask(
        CREATE, user("editor"), input={"title": "Long", "slug": slug(), "body": "x" * 100_001}
    )
    assert codes(result) == ["BLOG_INVALID_BODY"]


async def test_publishing_again_keeps_the_first_publish_time(blog: Blog) -> None:
    author = user("editor")
    post = await create(blog, author, slug=slug())
    first = (await blog.ask(PUBLISH, author, id=post["id"]))["data"]["publishPost"]
    again = (await blog.ask(PUBLISH, author, id=post["id"]))["data"]["publishPost"]
    assert again["publishAt"] == first["publishAt"]


async def test_user_entities_answer_each_representation_in_order(blog: Blog) -> None:
    first, second = user("editor"), user("editor")
    one = await create(blog, first, slug=slug())
    two = await create(blog, second, slug=slug())
    for author, post in ((first, one), (second, two)):
        await blog.ask(PUBLISH, author, id=post["id"])
    representations = [{"__typename": "User", "id": who.sub} for who in (second, first, second)]
    result = await blog.ask(ENTITIES, user("viewer"), r=representations)
    assert [[p["slug"] for p in e["posts"]] for e in result["data"]["_entities"]] == [
        [two["slug"]],
        [one["slug"]],
        [two["slug"]],
    ]
