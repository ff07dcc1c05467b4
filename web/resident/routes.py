"""Puts the resident pages into the app: the journey, the address finder and the status page."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from adapters.revenues_port import PropertyRegister
from web.resident.address_lookup import EmptyRegister
from web.resident.address_pages import router as address_router
from web.resident.answers import JourneyAnswers
from web.resident.discount_pages import router as discount_router
from web.resident.household_pages import router as household_router
from web.resident.journey_pages import router as journey_router
from web.resident.landlord_pages import router as landlord_router
from web.resident.move_detail_pages import router as move_details_router
from web.resident.name_pages import router as name_change_router
from web.resident.payment_pages import router as payment_router
from web.resident.refund_pages import router as refund_router
from web.resident.session import ResidentServices
from web.resident.status_page import router as status_router
from web.resident.student_pages import router as students_router
from web.stores.journeys import JourneyStore


def install_resident_pages(app: FastAPI, *, engine: Engine, register: PropertyRegister | None,
                           secure_cookies: bool) -> None:
    """Add the resident routes; answers are kept in the web store ``engine`` connects to."""
    app.state.resident = ResidentServices(
        journeys=JourneyStore(engine, JourneyAnswers),
        register=register if register is not None else EmptyRegister(),
        secure_cookies=secure_cookies,
    )
    app.include_router(journey_router)
    app.include_router(address_router)
    for kind_router in (move_details_router, landlord_router, discount_router, household_router, students_router,
                        name_change_router, payment_router, refund_router):
        app.include_router(kind_router)
    app.include_router(status_router)
