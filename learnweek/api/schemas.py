from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


class UnitBrief(Schema):
    code: str
    name: str
    kind: str


class UnitOut(UnitBrief):
    kind_label: str
    division_type: str
    is_municipality: bool
    institution_type: str
    parent: str | None
    children: list[UnitBrief]
