def test_fixed_numbers_follow_the_locale(app):
    from flask_babel import force_locale

    from coaction.templating import fixed

    with app.test_request_context("/"), force_locale("en"):
        assert fixed({}, 12345.678, 1) == "12,345.7"
    with app.test_request_context("/"):
        assert fixed({}, 12345.678, 2) == "12\xa0345,68" and fixed({"current_locale": "en"}, 3) == "3"
        assert fixed({"current_locale": "en"}, 0.5, 2) == "0.50"
