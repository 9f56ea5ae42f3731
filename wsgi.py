from coaction import create_app

app = create_app()
