"""Words for the travel feature's codes, in both languages."""

from flask_babel import lazy_gettext as _l

MODE_LABELS = {
    "walk": _l("Walking"),
    "bike": _l("Bike"),
    "ebike": _l("E-bike"),
    "bus": _l("Bus"),
    "rail": _l("Train, metro or tram"),
    "car": _l("Car, alone"),
    "carpool": _l("Carpool"),
    "moped": _l("Moped or motorcycle"),
    "air": _l("Air"),
}
BARRIER_LABELS = {
    "distance": _l("It is too far"),
    "no_transit": _l("No public transport where I live"),
    "transit_too_slow": _l("Public transport takes too long"),
    "children": _l("I take children to school or day care"),
    "need_car_at_work": _l("I need a car during the working day"),
    "no_bike_parking": _l("No safe bike parking"),
    "no_showers": _l("No showers or changing rooms"),
    "safety": _l("The route does not feel safe"),
    "weather": _l("The weather"),
    "cost": _l("The cost"),
}
WILLING_LABELS = {
    "ebike_trial": _l("Trying an e-bike"),
    "bike_parking": _l("Better bike parking"),
    "showers": _l("Showers and changing rooms"),
    "transit_card": _l("A transit card from my employer"),
    "carpool_match": _l("Help finding someone to share the car with"),
    "flexible_hours": _l("Flexible working hours"),
    "remote_work": _l("More days working remotely"),
    "charging": _l("Charging at the workplace"),
}

MEASURE_LABELS = {
    "bike_pool": _l("Bike pool"),
    "ebike_trial": _l("E-bike trial"),
    "charging": _l("Charging at the workplace"),
    "parking_policy": _l("Parking policy"),
    "parking_pricing": _l("Parking pricing"),
    "transit_benefit": _l("Transit benefit"),
    "remote_work_policy": _l("Remote-work policy"),
    "business_travel_policy": _l("Business travel policy"),
    "carpool_matching": _l("Carpool matching"),
    "showers_bike_parking": _l("Showers and bike parking"),
    "other": _l("Other measure"),
}
CHANGE_LABELS = {
    "car_share": _l("Share of trips by car"),
    "sustainable_share": _l("Share of trips on foot, by bike or by public transport"),
    "co2e_kg_per_employee": _l("kg CO2e per employee and year"),
}
# The survey figures a commitment can be followed up with (travel/feeds.py), with their unit.
FIGURE_LABELS = {
    "car_share": _l("Share of commuting trips by car, alone or shared (%)"),
    "sustainable_share": _l("Share of commuting trips on foot, by bike or by public transport (%)"),
    "bike_share": _l("Share of commuting trips by bike or e-bike (%)"),
    "transit_share": _l("Share of commuting trips by public transport (%)"),
    "co2e_total_t": _l("CO2e of commuting and business travel, all employees (tonnes a year)"),
}
