import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { AUDIT_FAVICON_SVG, AUDIT_PAGE_CSP, AUDIT_PAGE_HTML } from '../page/audit-page.html';
import { AUDIT_PAGE_SCRIPT } from '../page/audit-page.script';
import { AUDIT_PAGE_CSS } from '../page/audit-page.style';
import { AuditEnabledGuard } from './audit-access.guard';

/**
 * The auditors' web page and its assets. Public (it holds no data; the API it calls needs the token),
 * but absent like the API when AUDIT_TOKEN is unset.
 */
@Controller('audit')
@UseGuards(AuditEnabledGuard)
export class AuditPageController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', AUDIT_PAGE_CSP)
  @Header('x-frame-options', 'DENY')
  @Header('referrer-policy', 'no-referrer')
  page(): string {
    return AUDIT_PAGE_HTML;
  }

  @Get('app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return AUDIT_PAGE_SCRIPT;
  }

  @Get('favicon.svg')
  @Header('content-type', 'image/svg+xml')
  icon(): string {
    return AUDIT_FAVICON_SVG;
  }

  @Get('app.css')
  @Header('content-type', 'text/css; charset=utf-8')
  style(): string {
    return AUDIT_PAGE_CSS;
  }
}
