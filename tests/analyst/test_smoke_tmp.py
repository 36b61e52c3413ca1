def test_pages(env, logged_in):
    c = logged_in("admin")
    for path in ["/analyst/", "/analyst/waves/new", "/analyst/cannabis-2018/", "/analyst/cannabis-2018/codes",
                 "/analyst/cannabis-2018/progress", "/analyst/cannabis-2018/results",
                 "/analyst/trygghet-2018/results", "/analyst/medborg-2018/results",
                 "/analyst/cannabis-2018/import", "/analyst/cannabis-2018/downloads"]:
        r = c.get(path)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[-3000:])
