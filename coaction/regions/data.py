"""Reference data: Stockholm County's 26 municipalities (SCB codes, approximate centres) and the
yearly figures used by the Södertörn demo."""

# code, name, latitude, longitude of the municipal centre (approximate)
STOCKHOLM_COUNTY = (
    ("0114", "Upplands Väsby", 59.518, 17.911),
    ("0115", "Vallentuna", 59.534, 18.078),
    ("0117", "Österåker", 59.481, 18.299),
    ("0120", "Värmdö", 59.314, 18.487),
    ("0123", "Järfälla", 59.423, 17.835),
    ("0125", "Ekerö", 59.291, 17.812),
    ("0126", "Huddinge", 59.237, 17.982),
    ("0127", "Botkyrka", 59.200, 17.830),
    ("0128", "Salem", 59.198, 17.768),
    ("0136", "Haninge", 59.168, 18.144),
    ("0138", "Tyresö", 59.244, 18.229),
    ("0139", "Upplands-Bro", 59.518, 17.636),
    ("0140", "Nykvarn", 59.178, 17.431),
    ("0160", "Täby", 59.444, 18.069),
    ("0162", "Danderyd", 59.400, 18.033),
    ("0163", "Sollentuna", 59.428, 17.951),
    ("0180", "Stockholm", 59.329, 18.068),
    ("0181", "Södertälje", 59.196, 17.626),
    ("0182", "Nacka", 59.311, 18.164),
    ("0183", "Sundbyberg", 59.361, 17.972),
    ("0184", "Solna", 59.360, 18.000),
    ("0186", "Lidingö", 59.367, 18.133),
    ("0187", "Vaxholm", 59.402, 18.351),
    ("0188", "Norrtälje", 59.758, 18.705),
    ("0191", "Sigtuna", 59.617, 17.724),
    ("0192", "Nynäshamn", 58.903, 17.948),
)
COUNTY = "Stockholms län"

SODERTORN = ("Botkyrka", "Haninge", "Huddinge", "Nykvarn", "Nynäshamn", "Salem", "Södertälje", "Tyresö")

# The seeds give only the totals: 507,552 inhabitants at the end of 2020 (the 2021 fee of 2,030,208 SEK
# at 4 SEK each) and 513,445 at the end of 2021 (+5,893). The split per municipality and the jobs are
# approximations for the demo, labelled so, that add up to those totals.
APPROXIMATE_SOURCE = "Uppskattning för demon; underlagen anger bara Södertörns total (verksamhetsberättelse 2021)"
SODERTORN_FIGURES = {
    # name: ((inhabitants 2020, inhabitants 2021), jobs 2021)
    "Botkyrka": ((94_599, 94_999), 30_000),
    "Haninge": ((93_004, 94_604), 28_000),
    "Huddinge": ((113_209, 114_209), 48_000),
    "Nykvarn": ((11_412, 11_712), 3_000),
    "Nynäshamn": ((28_674, 28_974), 8_500),
    "Salem": ((17_326, 17_426), 4_000),
    "Södertälje": ((100_806, 102_306), 45_000),
    "Tyresö": ((48_522, 49_215), 10_000),
}
