"""The blog's errors: each has a stable `code` (also in the GraphQL error's extensions)."""

from __future__ import annotations


class BlogError(Exception):
    """An error a client may see; the runner shows it because it carries a `code`."""

    code = "BLOG_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {"code": self.code}


class UnauthenticatedError(BlogError):
    code = "UNAUTHENTICATED"


class UnauthorizedError(BlogError):
    code = "UNAUTHORIZED"


class PostNotFoundError(BlogError):
    code = "BLOG_POST_NOT_FOUND"


class InvalidTitleError(BlogError):
    code = "BLOG_INVALID_TITLE"


class InvalidSlugError(BlogError):
    code = "BLOG_INVALID_SLUG"


class InvalidBodyError(BlogError):
    code = "BLOG_INVALID_BODY"


class SlugTakenError(BlogError):
    code = "BLOG_SLUG_TAKEN"


class InvalidArgumentError(BlogError):
    code = "BLOG_INVALID_ARGUMENT"
